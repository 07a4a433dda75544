package dev.identitylog.grpc;

import dev.identitylog.protocol.RpcServerRequest;
import java.util.function.BiConsumer;
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

/**
 * A received call as the core reads it, once, when the call starts, on one thread. The call is
 * read lazily, so that a call that fails to answer one question (the core catches and counts
 * that) still yields an event with what was read before.
 */
final class GrpcInboundRequest implements RpcServerRequest {
  static final String RPC_SYSTEM = "grpc";

  private final BiConsumer<String, Throwable> errors;
  private final MetadataKeys keys;
  private final ServerCall<?, ?> call;
  private final Metadata headers;
  private boolean attributesRead;
  private Attributes attributes;
  private SSLSession session;

  GrpcInboundRequest(
      BiConsumer<String, Throwable> errors, MetadataKeys keys, ServerCall<?, ?> call, Metadata headers) {
    this.errors = errors;
    this.keys = keys;
    this.call = call;
    this.headers = headers;
  }

  private Attributes attributes() {
    if (!attributesRead) {
      attributesRead = true;
      attributes = call.getAttributes();
      session = TlsSessions.session(attributes);
    }
    return attributes;
  }

  private SSLSession session() {
    attributes();
    return session;
  }

  @Override
  public String header(String name) {
    return keys.joined(headers, name);
  }

  @Override
  public String rpcSystem() {
    return RPC_SYSTEM;
  }

  @Override
  public String rpcService() {
    MethodDescriptor<?, ?> method = call.getMethodDescriptor();
    return method == null ? null : method.getServiceName();
  }

  @Override
  public String rpcMethod() {
    MethodDescriptor<?, ?> method = call.getMethodDescriptor();
    return method == null ? null : method.getBareMethodName();
  }

  @Override
  public String peerAddress() {
    return address(attribute(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  /** The host the client asked for ({@code :authority}), else the local address. */
  @Override
  public String serverAddress() {
    String host = Authority.host(call.getAuthority());
    return host != null ? host : address(attribute(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
  }

  @Override
  public int serverPort() {
    SocketAddress local = attribute(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    if (local instanceof InetSocketAddress) {
      return ((InetSocketAddress) local).getPort();
    }
    return Authority.port(call.getAuthority());
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return TlsSessions.peerCertificates(session(), errors);
  }

  @Override
  public String tlsProtocol() {
    SSLSession s = session();
    return s == null ? null : s.getProtocol();
  }

  @Override
  public String tlsCipher() {
    SSLSession s = session();
    return s == null ? null : s.getCipherSuite();
  }

  private <T> T attribute(Attributes.Key<T> key) {
    Attributes a = attributes();
    return a == null ? null : a.get(key);
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
