/**
 * Where finished identity events go. {@link dev.identitylog.emit.Slf4jEventSink} logs them on
 * {@code identity.events} (INFO for success, WARN otherwise, every field a key-value pair);
 * {@link dev.identitylog.emit.OpenTelemetryEventSink} puts them on the current span and into the
 * Logs bridge; {@link dev.identitylog.emit.JsonLineWriter} writes the canonical JSON line;
 * {@link dev.identitylog.emit.RestrictedFields} splits the values that describe a party off into a
 * stream of their own, leaving keyed pseudonyms in the general one. The
 * library calls sinks through {@link dev.identitylog.emit.EventSinks#guarded}, so a failing sink
 * costs an event, counted and reported, and never a request.
 */
package dev.identitylog.emit;
