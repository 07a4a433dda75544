package dev.identitylog.forwarded;

import dev.identitylog.redact.Limits;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The RFC 9440 {@code Client-Cert} and {@code Client-Cert-Chain} headers: DER certificates as RFC
 * 8941 Byte Sequences ({@code :base64:}), the chain as a List of them.
 *
 * <p>Read strictly as RFC 8941 says, with its two allowances for base64: missing {@code =}
 * padding and non-zero pad bits are accepted (section 4.2.7). Parameters on an item are not
 * defined by RFC 9440 and make the value invalid. The bytes are returned as received; whether
 * they are a certificate is for the certificate parser to decide.
 */
public final class ClientCertHeader {
  private ClientCertHeader() {}

  /** The DER bytes of a {@code Client-Cert} value with the default size limit, or null. */
  public static byte[] parseCert(String clientCertHeader) {
    return parseCert(clientCertHeader, Limits.defaults());
  }

  /**
   * The DER bytes of a {@code Client-Cert} value: one Byte Sequence with optional surrounding
   * whitespace. Null when absent, empty, longer than the limit, or anything else. Never throws.
   */
  public static byte[] parseCert(String clientCertHeader, Limits limits) {
    if (clientCertHeader == null || tooLarge(clientCertHeader, limits)) {
      return null;
    }
    int from = skipOws(clientCertHeader, 0);
    int to = clientCertHeader.length();
    while (to > from && isOws(clientCertHeader.charAt(to - 1))) {
      to--;
    }
    int end = byteSequenceEnd(clientCertHeader, from, to);
    if (end != to) {
      return null;
    }
    return decode(clientCertHeader, from + 1, to - 1);
  }

  /** The DER certificates of a {@code Client-Cert-Chain} value with the default limit, or null. */
  public static List<byte[]> parseChain(String clientCertChainHeader) {
    return parseChain(clientCertChainHeader, Limits.defaults());
  }

  /**
   * The DER certificates of a {@code Client-Cert-Chain} value (a List of Byte Sequences; repeated
   * headers joined with commas), in header order. Null when absent, empty, longer than the limit,
   * or when any member is not a non-empty Byte Sequence. Never throws.
   */
  public static List<byte[]> parseChain(String clientCertChainHeader, Limits limits) {
    if (clientCertChainHeader == null || tooLarge(clientCertChainHeader, limits)) {
      return null;
    }
    String s = clientCertChainHeader;
    int len = s.length();
    List<byte[]> out = new ArrayList<>();
    int i = skipOws(s, 0);
    if (i == len) {
      return null;
    }
    while (true) {
      int end = byteSequenceEnd(s, i, len);
      if (end < 0) {
        return null;
      }
      byte[] der = decode(s, i + 1, end - 1);
      if (der == null) {
        return null;
      }
      out.add(der);
      i = skipOws(s, end);
      if (i == len) {
        return Collections.unmodifiableList(out);
      }
      if (s.charAt(i) != ',') {
        return null;
      }
      i = skipOws(s, i + 1);
      if (i == len) {
        return null; // a trailing comma is an error in RFC 8941 (section 4.2.1)
      }
    }
  }

  /** A {@code Client-Cert} value for forwarding the certificate downstream: {@code :base64:}. */
  public static String format(byte[] der) {
    return ":" + Base64.getEncoder().encodeToString(der) + ":";
  }

  /**
   * The index after a Byte Sequence starting at {@code from} ({@code :} base64 {@code :}), or -1
   * when there is none there.
   */
  private static int byteSequenceEnd(String s, int from, int to) {
    if (from >= to || s.charAt(from) != ':') {
      return -1;
    }
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return i + 1;
      }
      if (!isBase64(c)) {
        return -1;
      }
    }
    return -1;
  }

  /** Decodes base64 in {@code s[from, to)}; null when empty or undecodable. */
  private static byte[] decode(String s, int from, int to) {
    if (from >= to) {
      return null;
    }
    try {
      byte[] der = Base64.getDecoder().decode(s.substring(from, to));
      return der.length == 0 ? null : der;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isBase64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
        || c == '/' || c == '=';
  }

  private static boolean tooLarge(String value, Limits limits) {
    return (limits == null ? Limits.defaults() : limits).headerTooLarge(value);
  }

  private static int skipOws(String s, int i) {
    while (i < s.length() && isOws(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
