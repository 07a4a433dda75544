package dev.identitylog.protocol;

/** A received RPC ({@code identity.server}, {@code rpc.*} fields). */
public interface RpcServerRequest extends ServerRequest {
  /** {@code rpc.system}, e.g. {@code grpc}. */
  String rpcSystem();

  /** {@code rpc.service}: the fully qualified service name. */
  String rpcService();

  /** {@code rpc.method}. */
  String rpcMethod();
}
