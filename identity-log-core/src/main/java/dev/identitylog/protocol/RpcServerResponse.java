package dev.identitylog.protocol;

/** How a received RPC ended. */
public interface RpcServerResponse extends ServerResponse {
  /**
   * The status's name as the RPC system spells it (gRPC: {@code OK}, {@code UNAUTHENTICATED},
   * ...), or {@code null} when unknown; for an aborted call the status the client will see
   * ({@code CANCELLED}, {@code DEADLINE_EXCEEDED}).
   */
  String statusName();

  /** A status that was sent; {@code error} is the status's cause, or {@code null}. */
  static RpcServerResponse of(String statusName, Throwable error) {
    return new RpcServerResponse() {
      @Override
      public String statusName() {
        return statusName;
      }

      @Override
      public Throwable error() {
        return error;
      }
    };
  }

  /** A call whose client went away before a status was sent. */
  static RpcServerResponse aborted(String statusName) {
    return new RpcServerResponse() {
      @Override
      public String statusName() {
        return statusName;
      }

      @Override
      public boolean aborted() {
        return true;
      }
    };
  }
}
