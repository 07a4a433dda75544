package dev.identitylog.protocol;

/**
 * The record headers a producer writes and a consumer reads (SPEC section 6, 1.1 messages), beside
 * {@code traceparent}, {@code tracestate} and the request-id header: the identity evidence of the
 * request that caused the send. Never a token: only its hash.
 */
public final class MessageHeaders {
  /** {@code identity.workload.id} of the request that caused the send. */
  public static final String WORKLOAD_ID = "identity-workload-id";

  /** {@code tls.client.hash.sha256} of the request that caused the send. */
  public static final String CERT_SHA256 = "identity-cert-sha256";

  /** {@code identity.token.hash} of the request that caused the send. */
  public static final String TOKEN_HASH = "identity-token-hash";

  private MessageHeaders() {}
}
