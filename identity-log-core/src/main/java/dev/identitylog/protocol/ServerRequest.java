package dev.identitylog.protocol;

import java.security.cert.X509Certificate;
import java.util.Iterator;

/**
 * What every received request tells the core, whatever its protocol: headers (or metadata), the
 * connection and its TLS handshake. Adapters implement {@link HttpServerRequest} or {@link
 * RpcServerRequest} over their framework's request type; every method may return {@code null}
 * (or -1) when the framework does not know. The core reads it once, in {@code start}.
 */
public interface ServerRequest {
  /**
   * A request header, looked up case-insensitively, or {@code null}. A header received on several
   * lines is answered with every value, joined with {@code ","} in the order received, as {@link
   * dev.identitylog.propagation.HeaderGetter} requires: the first line alone would let a client
   * place its own {@code X-Forwarded-For} or XFCC before the trusted proxy's, and a repeated
   * {@code traceparent} must read as invalid.
   */
  String header(String name);

  /**
   * Optional: the names of the headers this request carries (in any case, a name listed once or
   * more), when the framework can list them in one pass; {@code null} (the default) when it
   * cannot. The core asks for about twenty headers per request, most of them absent; with the
   * names it asks {@link #header} only for those listed. So an implementation must list every
   * name for which {@link #header} answers a value, or answer {@code null}.
   *
   * @since 0.1
   */
  default Iterator<String> headerNames() {
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
