/**
 * Internal, may change without notice: implementation shared by the library's own packages and
 * modules. Nothing here is API; applications and third-party adapters must not use it (they use
 * {@code dev.identitylog.protocol} and {@code dev.identitylog.context}).
 */
package dev.identitylog.internal;
