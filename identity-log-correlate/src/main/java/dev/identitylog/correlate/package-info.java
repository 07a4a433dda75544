/**
 * Correlation of identity events across hops: {@link dev.identitylog.correlate.EventStream} reads
 * JSON lines (events of the standard and access logs of proxies), {@link
 * dev.identitylog.correlate.Correlator} joins them into requests within a window of event time,
 * and each {@link dev.identitylog.correlate.RequestVerdict} names the hop that caused a failure;
 * 1.1 message events continue a request's story through a queue, each message's fate told by a
 * {@link dev.identitylog.correlate.MessageFate}.
 */
package dev.identitylog.correlate;
