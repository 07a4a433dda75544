/**
 * Bearer tokens: {@link dev.identitylog.token.Credentials} takes the token out of an {@code
 * Authorization} header, {@link dev.identitylog.token.TokenInspector} turns it into {@link
 * dev.identitylog.token.TokenFacts}, the {@code identity.token.*} fields of the standard. The token
 * and its signature never leave this package: only a hash of the token and the claims the standard
 * names (plus an explicit allowlist) do.
 */
package dev.identitylog.token;
