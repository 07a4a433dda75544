/**
 * Identity forwarded by proxies: Envoy's {@code x-forwarded-client-cert}
 * ({@link dev.identitylog.forwarded.Xfcc}), RFC 9440 {@code Client-Cert} and
 * {@code Client-Cert-Chain} ({@link dev.identitylog.forwarded.ClientCertHeader}), and the client
 * address of {@code Forwarded} / {@code X-Forwarded-For}
 * ({@link dev.identitylog.forwarded.ForwardedFor}). The parsers only read; whether the sender may
 * be believed is decided with {@link dev.identitylog.trust.TrustedProxies}.
 */
package dev.identitylog.forwarded;
