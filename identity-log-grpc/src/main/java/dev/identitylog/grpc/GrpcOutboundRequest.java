package dev.identitylog.grpc;

import dev.identitylog.protocol.RpcClientRequest;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** A call about to be made, as the core reads it; read once, when the call starts. */
final class GrpcOutboundRequest implements RpcClientRequest {
  private final MethodDescriptor<?, ?> method;
  private final String authority;
  private final String authorization;

  GrpcOutboundRequest(MethodDescriptor<?, ?> method, String authority, String authorization) {
    this.method = method;
    this.authority = authority;
    this.authorization = authorization;
  }

  static GrpcOutboundRequest of(
      MethodDescriptor<?, ?> method, String authority, Metadata headers, MetadataKeys keys,
      boolean readToken) {
    String authorization = readToken ? keys.joined(headers, MetadataKeys.AUTHORIZATION) : null;
    return new GrpcOutboundRequest(method, authority, authorization);
  }

  @Override
  public String serverAddress() {
    return Authority.host(authority);
  }

  @Override
  public int serverPort() {
    return Authority.port(authority);
  }

  @Override
  public String rpcSystem() {
    return GrpcInboundRequest.RPC_SYSTEM;
  }

  @Override
  public String rpcService() {
    return method.getServiceName();
  }

  @Override
  public String rpcMethod() {
    return method.getBareMethodName();
  }

  @Override
  public String authorization() {
    return authorization;
  }
}
