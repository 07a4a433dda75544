package dev.identitylog.protocol;

/**
 * What every call this hop makes tells the core, whatever its protocol. Adapters implement {@link
 * HttpClientRequest} or {@link RpcClientRequest}; every method may return {@code null} (or -1).
 */
public interface ClientRequest {
  /** {@code server.address}: the host called. */
  default String serverAddress() {
    return null;
  }

  default int serverPort() {
    return -1;
  }

  /**
   * The {@code Authorization} value the call carries (an exchanged token shows its audience), or
   * {@code null}. Read once; only its facts and hash are logged.
   */
  default String authorization() {
    return null;
  }
}
