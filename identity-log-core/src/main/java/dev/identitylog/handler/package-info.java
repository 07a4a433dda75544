/**
 * The handlers an adapter drives: one {@code start(request)} and one {@code finish(record,
 * response)} per protocol side, whatever the protocol (HTTP, RPC, messaging). They never throw into
 * the request path (but for fatal JVM errors) and emit exactly one event per record.
 */
package dev.identitylog.handler;
