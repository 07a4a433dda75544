package dev.identitylog.forwarded;

import dev.identitylog.redact.Limits;
import dev.identitylog.trust.IpAddresses;
import dev.identitylog.trust.TrustedProxies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The original client address ({@code client.address}) from {@code Forwarded} (RFC 7239) or
 * {@code X-Forwarded-For}, believed only as far as trusted proxies vouch for it.
 *
 * <p>Every proxy appends the address it received the request from, so the list is read from the
 * right: the immediate peer must be trusted, then each hop that is itself a trusted proxy is
 * skipped, and the first one that is not is the client. Anything left of it was written by that
 * client and is worthless. When every hop is trusted, the leftmost is returned. An obfuscated
 * identifier ({@code _hidden}), {@code unknown}, a {@code Forwarded} element without {@code for}
 * or a value that is not an IP literal stops the walk: the client is then unknown (null), never
 * guessed.
 *
 * <p>{@code Forwarded} is used when present, else {@code X-Forwarded-For}. A deployment whose
 * proxies write only one of them must have the edge remove the other, or a client could supply
 * it. Repeated headers are expected joined with commas. Results are IP literals in canonical
 * form (RFC 5952 for IPv6, IPv4-mapped written as IPv4), without port or brackets.
 */
public final class ForwardedFor {
  private ForwardedFor() {}

  /**
   * The original client, or null when the peer is not a trusted proxy (by address), when neither
   * header is present, or when the chain is broken. Never throws.
   */
  public static String clientAddress(String forwarded, String xForwardedFor, String peerAddress,
      TrustedProxies trust) {
    boolean peerTrusted = trust != null && peerAddress != null && trust.trustsAddress(peerAddress);
    return clientAddress(forwarded, xForwardedFor, peerTrusted, trust, Limits.defaults());
  }

  /**
   * As {@link #clientAddress(String, String, String, TrustedProxies)}, for a caller that has
   * already decided whether the peer is trusted (for example by its mTLS SPIFFE ID, which an
   * address check cannot see). Hops inside the headers are still judged by address. A header
   * value longer than the limit is not parsed (null).
   */
  public static String clientAddress(String forwarded, String xForwardedFor, boolean peerTrusted,
      TrustedProxies trust, Limits limits) {
    if (!peerTrusted || trust == null) {
      return null;
    }
    Limits l = limits == null ? Limits.defaults() : limits;
    List<String> hops;
    if (forwarded != null && !forwarded.isBlank()) {
      if (l.headerTooLarge(forwarded)) {
        return null;
      }
      hops = forwardedFor(forwarded);
    } else if (xForwardedFor != null && !xForwardedFor.isBlank()) {
      if (l.headerTooLarge(xForwardedFor)) {
        return null;
      }
      hops = xForwardedFor(xForwardedFor);
    } else {
      return null;
    }
    if (hops == null || hops.isEmpty()) {
      return null;
    }
    String leftmost = null;
    for (int h = hops.size() - 1; h >= 0; h--) {
      String hop = hops.get(h);
      if (hop == null) {
        return null; // unknown, obfuscated or not an address: the chain is broken here
      }
      byte[] address = node(hop);
      if (address == null) {
        return null;
      }
      String normalized = IpAddresses.format(address);
      if (!trust.trustsAddress(normalized)) {
        return normalized;
      }
      leftmost = normalized;
    }
    return leftmost;
  }

  /** The comma-separated entries of X-Forwarded-For, empty ones dropped. */
  static List<String> xForwardedFor(String value) {
    List<String> hops = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String hop = part.strip();
      if (!hop.isEmpty()) {
        hops.add(hop);
      }
    }
    return hops;
  }

  /**
   * The {@code for} value of each element of a Forwarded header (null entries for elements
   * without one), or null when the header is malformed: a quoted string left open, a pair
   * without {@code =}, or a parameter repeated within an element (RFC 7239 section 4).
   */
  static List<String> forwardedFor(String s) {
    List<String> hops = new ArrayList<>();
    int len = s.length();
    int i = 0;
    String forValue = null;
    boolean elementHasPairs = false;
    List<String> names = new ArrayList<>();
    while (true) {
      while (i < len && isOws(s.charAt(i))) {
        i++;
      }
      if (i == len || s.charAt(i) == ',') {
        if (elementHasPairs) {
          hops.add(forValue);
        }
        if (i == len) {
          return hops;
        }
        forValue = null;
        elementHasPairs = false;
        names.clear();
        i++;
        continue;
      }
      if (s.charAt(i) == ';') {
        i++;
        continue;
      }
      int nameStart = i;
      while (i < len && Xfcc.isTchar(s.charAt(i))) {
        i++;
      }
      if (i == nameStart || i == len || s.charAt(i) != '=') {
        return null;
      }
      String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
      if (names.contains(name)) {
        return null;
      }
      names.add(name);
      i++;
      String value;
      if (i < len && s.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i == len) {
            return null;
          }
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < len) {
            sb.append(s.charAt(i + 1));
            i += 2;
          } else if (c == '"') {
            i++;
            break;
          } else {
            sb.append(c);
            i++;
          }
        }
        value = sb.toString();
      } else {
        int start = i;
        while (i < len && s.charAt(i) != ',' && s.charAt(i) != ';' && !isOws(s.charAt(i))) {
          if (s.charAt(i) == '"') {
            return null;
          }
          i++;
        }
        value = s.substring(start, i);
      }
      while (i < len && isOws(s.charAt(i))) {
        i++;
      }
      if (i < len && s.charAt(i) != ',' && s.charAt(i) != ';') {
        return null;
      }
      elementHasPairs = true;
      if (name.equals("for")) {
        forValue = value;
      }
    }
  }

  /**
   * The address of an RFC 7239 node (also used for X-Forwarded-For entries): IPv4 with an
   * optional port, an IPv6 literal in brackets with an optional port, or a bare IPv6 literal.
   * Null for {@code unknown}, obfuscated identifiers and anything else.
   */
  static byte[] node(String node) {
    int len = node.length();
    if (len == 0 || len > 64 || node.charAt(0) == '_') {
      return null;
    }
    if (node.charAt(0) == '[') {
      int close = node.indexOf(']');
      if (close < 0 || (close + 1 < len && !validPort(node, close + 2, close + 1))) {
        return null;
      }
      byte[] v6 = IpAddresses.parse(node.substring(1, close));
      return v6 != null && v6.length == 16 ? v6 : null;
    }
    int firstColon = node.indexOf(':');
    if (firstColon < 0) {
      return IpAddresses.parse(node);
    }
    if (node.indexOf(':', firstColon + 1) < 0) {
      // IPv4 with a port
      if (!validPort(node, firstColon + 1, firstColon)) {
        return null;
      }
      byte[] v4 = IpAddresses.parse(node.substring(0, firstColon));
      return v4 != null && v4.length == 4 ? v4 : null;
    }
    return IpAddresses.parse(node); // a bare IPv6 literal (X-Forwarded-For writes these)
  }

  /** Whether {@code s[portStart..]} is a port (1 to 5 digits) or an obfuscated port. */
  private static boolean validPort(String s, int portStart, int colon) {
    if (s.charAt(colon) != ':' || portStart >= s.length()) {
      return false;
    }
    int digits = s.length() - portStart;
    if (s.charAt(portStart) == '_') {
      for (int i = portStart + 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '.' && c != '_' && c != '-') {
          return false;
        }
      }
      return digits > 1;
    }
    if (digits > 5) {
      return false;
    }
    for (int i = portStart; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
