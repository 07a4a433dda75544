package dev.identitylog.internal.exchange;

/**
 * {@code tls.protocol.version} as OpenTelemetry writes it: the version alone ({@code 1.3},
 * {@code 1.2}, {@code 3} for SSLv3), whatever the JDK or a container calls the protocol
 * ({@code TLSv1.3}, {@code SSLv3}), so that every adapter logs the same value.
 */
final class TlsVersion {
  private TlsVersion() {}

  /** The version of a protocol name; other names pass through trimmed, blank ones are null. */
  static String of(String protocol) {
    if (protocol == null) {
      return null;
    }
    String p = protocol.trim();
    if (p.regionMatches(true, 0, "TLSv", 0, 4) || p.regionMatches(true, 0, "SSLv", 0, 4)) {
      p = p.substring(4);
    }
    return p.isEmpty() ? null : p;
  }
}
