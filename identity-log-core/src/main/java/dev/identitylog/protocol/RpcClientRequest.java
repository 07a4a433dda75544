package dev.identitylog.protocol;

/** An RPC this hop makes ({@code identity.client}, {@code rpc.*} fields). */
public interface RpcClientRequest extends ClientRequest {
  String rpcSystem();

  String rpcService();

  String rpcMethod();
}
