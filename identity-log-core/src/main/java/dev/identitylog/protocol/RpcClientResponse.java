package dev.identitylog.protocol;

/** How an RPC ended: its status, and the status's cause. */
public interface RpcClientResponse extends ClientResponse {
  /** The status's name (gRPC: {@code OK}, {@code UNAVAILABLE}, ...). */
  String statusName();

  static RpcClientResponse of(String statusName, Throwable cause) {
    return new RpcClientResponse() {
      @Override
      public String statusName() {
        return statusName;
      }

      @Override
      public Throwable error() {
        return cause;
      }
    };
  }
}
