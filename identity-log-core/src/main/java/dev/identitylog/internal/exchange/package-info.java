/**
 * Internal, may change without notice: the in-flight records behind the protocol handlers
 * (reading a request, recording decisions, inferring the outcome, emitting the one event).
 * Adapters reach them only through {@code dev.identitylog.protocol}.
 */
package dev.identitylog.internal.exchange;
