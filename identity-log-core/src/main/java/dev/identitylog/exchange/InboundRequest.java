package dev.identitylog.exchange;

import java.security.cert.X509Certificate;

/**
 * What an adapter tells the core about a request it received. Adapters implement this over their
 * framework's request type; every method may return {@code null} (or -1) when the framework does
 * not know. The core reads it once, when the exchange starts.
 */
public interface InboundRequest {
  /**
   * A request header, looked up case-insensitively, or {@code null}. A header received on several
   * lines is answered with every value, joined with {@code ","} in the order received, as {@link
   * dev.identitylog.propagation.HeaderGetter} requires: the first line alone would let a client
   * place its own {@code X-Forwarded-For} or XFCC before the trusted proxy's, and a repeated
   * {@code traceparent} must read as invalid.
   */
  String header(String name);

  /** {@code http.request.method}; {@code null} for RPC. */
  default String method() {
    return null;
  }

  /** {@code url.path}, without the query. */
  default String path() {
    return null;
  }

  /** {@code http.route}, when the framework knows it at the start. */
  default String route() {
    return null;
  }

  /** {@code rpc.system}, e.g. {@code grpc}; {@code null} for HTTP. */
  default String rpcSystem() {
    return null;
  }

  default String rpcService() {
    return null;
  }

  default String rpcMethod() {
    return null;
  }

  /** The immediate peer's IP address. */
  default String peerAddress() {
    return null;
  }

  default String serverAddress() {
    return null;
  }

  /** The local port, or -1. */
  default int serverPort() {
    return -1;
  }

  /**
   * The client certificate chain of this hop's own TLS handshake, leaf first, or {@code null}
   * when the client sent none or the connection is not TLS.
   */
  default X509Certificate[] peerCertificates() {
    return null;
  }

  default String tlsProtocol() {
    return null;
  }

  default String tlsCipher() {
    return null;
  }
}
