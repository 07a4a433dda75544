package dev.identitylog.exchange;

/**
 * What an adapter tells the core about a call it is about to make. Every method may return
 * {@code null} (or -1).
 */
public interface OutboundRequest {
  /** {@code http.request.method}; {@code null} for RPC. */
  default String method() {
    return null;
  }

  /** {@code url.full}; the core drops any query and fragment before logging it. */
  default String url() {
    return null;
  }

  /** {@code server.address}: the host called. */
  default String serverAddress() {
    return null;
  }

  default int serverPort() {
    return -1;
  }

  default String rpcSystem() {
    return null;
  }

  default String rpcService() {
    return null;
  }

  default String rpcMethod() {
    return null;
  }

  /**
   * The {@code Authorization} value the call carries (an exchanged token shows its audience), or
   * {@code null}. Read once; only its facts and hash are logged.
   */
  default String authorization() {
    return null;
  }
}
