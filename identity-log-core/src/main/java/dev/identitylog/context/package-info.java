/**
 * Where the record of the request being served lives while code runs for it: a small storage SPI
 * ({@link dev.identitylog.context.RequestContextStorage}) with a thread-local default and an
 * OpenTelemetry-{@code Context}-backed alternative, explicit {@link dev.identitylog.context.Scope}s,
 * and wrappers ({@link dev.identitylog.context.RequestContext#wrap}) that carry the record, the
 * OpenTelemetry context and the MDC ids across executors, scheduled executors, {@code
 * CompletableFuture} stages, reactive operators and message listeners.
 *
 * <p>Depends on nothing else of the library, so every layer above may use it.
 */
package dev.identitylog.context;
