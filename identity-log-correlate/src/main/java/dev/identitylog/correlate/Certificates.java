package dev.identitylog.correlate;

import dev.identitylog.forwarded.DistinguishedNames;
import java.util.Locale;

/**
 * Certificate facts in the one form the standard writes (SPEC section 3), whoever logged them, so
 * that the certificate a layer saw compares with the one a Java hop saw. Envoy writes the SHA-256
 * in lowercase and the serial as OpenSSL's {@code BN_bn2hex} lowercased (whole bytes: {@code
 * 0a1b}); NGINX writes DNs in OpenSSL's slash form. A value that is not what its field holds is
 * dropped rather than compared.
 */
final class Certificates {
  private static final int SHA256_HEX = 64;
  private static final int MAX_SERIAL_HEX = 64; // RFC 5280: at most 20 octets; generous

  private Certificates() {}

  /** 64 uppercase hex (colons, as some proxies write them, removed), or null. */
  static String hash(String s) {
    String hex = hex(s, SHA256_HEX);
    return hex != null && hex.length() == SHA256_HEX ? hex : null;
  }

  /** Uppercase hex without leading zeros ({@code 0a1b} → {@code A1B}), or null. */
  static String serial(String s) {
    String hex = hex(s, MAX_SERIAL_HEX);
    if (hex == null) {
      return null;
    }
    int i = 0;
    while (i < hex.length() - 1 && hex.charAt(i) == '0') {
      i++;
    }
    return hex.substring(i);
  }

  /** A distinguished name as RFC 2253 (OpenSSL's slash form converted), or null. */
  static String name(String s) {
    return s == null || s.isEmpty() ? null : DistinguishedNames.toRfc2253(s);
  }

  private static String hex(String s, int max) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':') {
        continue;
      }
      boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hexDigit || b.length() == max) {
        return null;
      }
      b.append(c);
    }
    return b.length() == 0 ? null : b.toString().toUpperCase(Locale.ROOT);
  }
}
