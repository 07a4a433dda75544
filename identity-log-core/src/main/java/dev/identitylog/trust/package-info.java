/**
 * Which immediate peers may vouch for forwarded identity ({@code x-forwarded-client-cert},
 * {@code Client-Cert}, {@code Forwarded}, ...): {@link dev.identitylog.trust.TrustedProxies}, by
 * address range, SPIFFE ID or certificate thumbprint. Default: trust no one.
 */
package dev.identitylog.trust;
