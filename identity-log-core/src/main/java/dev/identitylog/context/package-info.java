/**
 * Where the record of the request being served lives while code runs for it: a small storage SPI
 * ({@link dev.identitylog.context.RequestContextStorage}) with a thread-local default and an
 * OpenTelemetry-{@code Context}-backed alternative, explicit {@link dev.identitylog.context.Scope}s,
 * and wrappers that carry the record across executor hops, reactive operators and message
 * listeners.
 *
 * <p>Depends on nothing else of the library, so every layer above may use it.
 */
package dev.identitylog.context;
