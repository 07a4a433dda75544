/**
 * Correlation of identity events across hops: {@link dev.identitylog.correlate.EventStream} reads
 * JSON lines (events of the standard and access logs of proxies), {@link
 * dev.identitylog.correlate.Correlator} joins them into requests within a window of event time,
 * and each {@link dev.identitylog.correlate.RequestVerdict} names the hop that caused a failure.
 */
package dev.identitylog.correlate;
