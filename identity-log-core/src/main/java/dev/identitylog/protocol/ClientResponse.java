package dev.identitylog.protocol;

/** How a call this hop made ended, as the adapter saw it. */
public interface ClientResponse {
  /**
   * The exception that ended the call (HTTP: no response; RPC: the status's cause), or {@code
   * null}. Its type tells a connection failure or a timeout from an answer.
   */
  default Throwable error() {
    return null;
  }
}
