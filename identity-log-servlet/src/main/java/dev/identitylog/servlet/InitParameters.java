package dev.identitylog.servlet;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.HopLayer;
import dev.identitylog.trust.TrustedProxies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The filter's configuration as written in {@code web.xml}. Every value is checked here, at
 * deployment; an unknown hop layer, a malformed proxy range or an unreadable trust-anchor file
 * fails with an {@link IllegalArgumentException} naming the parameter.
 */
final class InitParameters {
  private final IdentityLog identityLog;
  private final String echoRequestIdHeader;

  private InitParameters(IdentityLog identityLog, String echoRequestIdHeader) {
    this.identityLog = identityLog;
    this.echoRequestIdHeader = echoRequestIdHeader;
  }

  /** Reads the parameters through {@code lookup} (absent parameters are {@code null}). */
  static InitParameters read(UnaryOperator<String> lookup) {
    IdentityLog.Builder builder = IdentityLog.builder();
    String serviceName = value(lookup, IdentityLogFilter.SERVICE_NAME);
    if (serviceName != null) {
      builder.serviceName(serviceName);
    }
    String layer = value(lookup, IdentityLogFilter.HOP_LAYER);
    if (layer != null) {
      HopLayer hopLayer = HopLayer.fromCode(layer);
      if (hopLayer == null) {
        throw new IllegalArgumentException(
            IdentityLogFilter.HOP_LAYER + ": not one of cdn, proxy, gateway, mesh, backend: " + layer);
      }
      builder.hopLayer(hopLayer);
    }
    String proxies = value(lookup, IdentityLogFilter.TRUSTED_PROXIES);
    if (proxies != null) {
      try {
        builder.trustedProxies(TrustedProxies.parse(proxies));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            IdentityLogFilter.TRUSTED_PROXIES + ": " + e.getMessage(), e);
      }
    }
    String requestIdHeader = value(lookup, IdentityLogFilter.REQUEST_ID_HEADER);
    if (requestIdHeader != null) {
      builder.requestIdHeader(requestIdHeader);
    }
    String strict = value(lookup, IdentityLogFilter.STRICT_FORWARDING);
    if (strict != null) {
      builder.strictForwarding(bool(IdentityLogFilter.STRICT_FORWARDING, strict));
    }
    String verified = value(lookup, IdentityLogFilter.PEER_CERTIFICATES_VERIFIED);
    if (verified != null) {
      builder.peerCertificatesVerified(bool(IdentityLogFilter.PEER_CERTIFICATES_VERIFIED, verified));
    }
    String sslHeader = value(lookup, IdentityLogFilter.SSL_CLIENT_CERT_HEADER);
    if (sslHeader != null) {
      builder.sslClientCertHeader(sslHeader);
    }
    String anchors = value(lookup, IdentityLogFilter.CLIENT_CERT_TRUST_ANCHORS);
    if (anchors != null) {
      builder.clientCertTrustAnchors(readCertificates(anchors));
    }
    IdentityLog log = builder.build();

    // Present but empty turns the echo off; absent keeps the default (the request-id header).
    String echo = lookup.apply(IdentityLogFilter.ECHO_REQUEST_ID_HEADER);
    String echoHeader;
    if (echo == null) {
      echoHeader = log.requestIdHeader();
    } else if (echo.trim().isEmpty() || echo.trim().equalsIgnoreCase("none")) {
      echoHeader = null;
    } else {
      echoHeader = echo.trim();
    }
    return new InitParameters(log, echoHeader);
  }

  IdentityLog identityLog() {
    return identityLog;
  }

  /** The response header echoing the request id, or {@code null} for none. */
  String echoRequestIdHeader() {
    return echoRequestIdHeader;
  }

  private static String value(UnaryOperator<String> lookup, String name) {
    String v = lookup.apply(name);
    if (v == null) {
      return null;
    }
    v = v.trim();
    return v.isEmpty() ? null : v;
  }

  private static boolean bool(String name, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(name + ": expected true or false: " + value);
    }
  }

  private static List<X509Certificate> readCertificates(String file) {
    Path path = Paths.get(file);
    try (InputStream in = Files.newInputStream(path)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        if (c instanceof X509Certificate) {
          certificates.add((X509Certificate) c);
        }
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            IdentityLogFilter.CLIENT_CERT_TRUST_ANCHORS + ": no certificate in " + file);
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(
          IdentityLogFilter.CLIENT_CERT_TRUST_ANCHORS + ": cannot read " + file + ": " + e.getMessage(),
          e);
    }
  }
}
