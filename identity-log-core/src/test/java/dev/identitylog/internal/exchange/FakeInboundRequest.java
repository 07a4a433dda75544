package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.HttpServerRequest;

import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request as an adapter would describe it, for testing the protocol layer without a server;
 * the adapters' suites test the same rules over real servers.
 */
final class FakeInboundRequest implements HttpServerRequest {
  private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  String method = "GET";
  String path = "/orders/42";
  String peer = "192.0.2.10";
  X509Certificate[] certificates;
  String tlsProtocol;

  FakeInboundRequest header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  @Override
  public String header(String name) {
    return headers.get(name);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String peerAddress() {
    return peer;
  }

  @Override
  public String serverAddress() {
    return "api.example.com";
  }

  @Override
  public int serverPort() {
    return 8443;
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return certificates;
  }

  @Override
  public String tlsProtocol() {
    return tlsProtocol;
  }
}
