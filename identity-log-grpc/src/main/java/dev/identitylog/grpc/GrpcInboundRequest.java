package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.exchange.InboundRequest;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;

/** A received call as the core reads it; read once, when the call starts. */
final class GrpcInboundRequest implements InboundRequest {
  static final String RPC_SYSTEM = "grpc";

  private final IdentityLog log;
  private final MetadataKeys keys;
  private final Metadata headers;
  private final MethodDescriptor<?, ?> method;
  private final String authority;
  private final Attributes attributes;
  private final SSLSession session;

  GrpcInboundRequest(IdentityLog log, MetadataKeys keys, ServerCall<?, ?> call, Metadata headers) {
    this.log = log;
    this.keys = keys;
    this.headers = headers;
    this.method = call.getMethodDescriptor();
    this.authority = call.getAuthority();
    this.attributes = call.getAttributes();
    this.session = TlsSessions.session(attributes);
  }

  @Override
  public String header(String name) {
    return keys.first(headers, name);
  }

  @Override
  public String rpcSystem() {
    return RPC_SYSTEM;
  }

  @Override
  public String rpcService() {
    return method == null ? null : method.getServiceName();
  }

  @Override
  public String rpcMethod() {
    return method == null ? null : method.getBareMethodName();
  }

  @Override
  public String peerAddress() {
    return address(attributes == null ? null : attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  /** The host the client asked for ({@code :authority}), else the local address. */
  @Override
  public String serverAddress() {
    String host = Authority.host(authority);
    return host != null ? host : address(local());
  }

  @Override
  public int serverPort() {
    SocketAddress local = local();
    if (local instanceof InetSocketAddress) {
      return ((InetSocketAddress) local).getPort();
    }
    return Authority.port(authority);
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return TlsSessions.peerCertificates(session, log);
  }

  @Override
  public String tlsProtocol() {
    return session == null ? null : session.getProtocol();
  }

  @Override
  public String tlsCipher() {
    return session == null ? null : session.getCipherSuite();
  }

  private SocketAddress local() {
    return attributes == null ? null : attributes.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
  }

  private static String address(SocketAddress address) {
    if (!(address instanceof InetSocketAddress)) {
      return null; // in-process, Unix domain sockets: no IP address to report
    }
    InetSocketAddress inet = (InetSocketAddress) address;
    InetAddress ip = inet.getAddress();
    return ip != null ? ip.getHostAddress() : inet.getHostString();
  }
}
