/**
 * Trace propagation: reading the trace a request belongs to from W3C Trace Context, B3 and AWS
 * X-Ray headers ({@link dev.identitylog.propagation.TraceContextExtractor}), writing
 * {@code traceparent}, and generating trace, span and request ids
 * ({@link dev.identitylog.propagation.Ids}). Every parser returns null for invalid input and
 * never throws.
 */
package dev.identitylog.propagation;
