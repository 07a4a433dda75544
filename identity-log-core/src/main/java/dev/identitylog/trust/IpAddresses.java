package dev.identitylog.trust;

/**
 * IP address literals, parsed and written without any name lookup.
 *
 * <p>{@code InetAddress.getByName} resolves anything that is not a literal, so a header value or a
 * configuration typo could make the library block on DNS; this small parser only ever reads
 * literals. IPv4 is dotted-quad with no leading zeros (an octal reading of {@code 010} is
 * ambiguous); IPv6 follows RFC 4291 section 2.2 (with {@code ::} and an embedded IPv4 tail).
 * Output follows RFC 5952 (lowercase, longest zero run compressed), and an IPv4-mapped IPv6
 * address ({@code ::ffff:a.b.c.d}) is written as the IPv4 address it carries, so that the same
 * client is always written the same way.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The 4 or 16 bytes of a bare IPv4 or IPv6 literal, or {@code null} when the text is not exactly
   * one (no brackets, port or zone).
   */
  public static byte[] parse(String literal) {
    if (literal == null) {
      return null;
    }
    return parse(literal, 0, literal.length());
  }

  /**
   * Like {@link #parse(String)}, but also accepts the forms a server reports for its peer: an
   * IPv6 literal in brackets and an IPv6 zone suffix ({@code fe80::1%eth0}), which is dropped.
   */
  public static byte[] parsePeer(String address) {
    if (address == null) {
      return null;
    }
    int from = 0;
    int to = address.length();
    if (to >= 2 && address.charAt(0) == '[' && address.charAt(to - 1) == ']') {
      from = 1;
      to--;
    }
    int zone = address.indexOf('%', from);
    if (zone >= 0 && zone < to) {
      to = zone;
      if (address.indexOf(':', from) < 0) {
        return null; // zones exist only on IPv6
      }
    }
    return parse(address, from, to);
  }

  /**
   * The canonical text of a peer address (see {@link #parsePeer(String)}), or {@code null} when it
   * is not an IP literal.
   */
  public static String normalize(String address) {
    byte[] bytes = parsePeer(address);
    return bytes == null ? null : format(bytes);
  }

  /**
   * Writes 4 or 16 bytes as an address literal: dotted-quad, or RFC 5952 IPv6, with IPv4-mapped
   * addresses written as IPv4.
   *
   * @throws IllegalArgumentException when the array is not 4 or 16 bytes long
   */
  public static String format(byte[] address) {
    if (address.length == 4) {
      return formatV4(address, 0);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
    }
    if (isV4Mapped(address)) {
      return formatV4(address, 12);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is never compressed (RFC 5952 4.2.2)
    for (int g = 0; g < 8; ) {
      if (group(address, g) != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && group(address, g) == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        sb.append("::");
        g += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(group(address, g)));
    }
    return sb.toString();
  }

  /** Whether 16 bytes are an IPv4-mapped IPv6 address ({@code ::ffff:0:0/96}). */
  static boolean isV4Mapped(byte[] a) {
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** Parses {@code s[from, to)} as an IPv4 or IPv6 literal; null when it is neither. */
  static byte[] parse(String s, int from, int to) {
    if (to - from < 2 || to - from > 45) {
      return null; // the longest IPv6 text form is 45 characters
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == ':') {
        return parseV6(s, from, to);
      }
    }
    byte[] out = new byte[4];
    return parseV4(s, from, to, out, 0) ? out : null;
  }

  private static boolean parseV4(String s, int from, int to, byte[] out, int offset) {
    int octet = 0;
    int i = from;
    while (octet < 4) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 4) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        value = value * 10 + (c - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 3 || value > 255) {
        return false;
      }
      if (digits > 1 && s.charAt(start) == '0') {
        return false; // leading zeros read as octal by some parsers: refuse the ambiguity
      }
      out[offset + octet] = (byte) value;
      octet++;
      if (octet < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return false;
        }
        i++;
      }
    }
    return i == to;
  }

  private static byte[] parseV6(String s, int from, int to) {
    byte[] out = new byte[16];
    int groups = 0;
    int compressAt = -1;
    int i = from;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return null;
      }
      compressAt = 0;
      i += 2;
    }
    while (i < to) {
      if (groups == 8) {
        return null;
      }
      int start = i;
      int value = 0;
      while (i < to && i - start < 5) {
        int h = hexValue(s.charAt(i));
        if (h < 0) {
          break;
        }
        value = (value << 4) | h;
        i++;
      }
      if (i == start) {
        return null;
      }
      if (i < to && s.charAt(i) == '.') {
        // an embedded IPv4 tail takes the last two groups
        if (groups > 6 || !parseV4(s, start, to, out, groups * 2)) {
          return null;
        }
        groups += 2;
        i = to;
        break;
      }
      if (i - start > 4) {
        return null;
      }
      out[groups * 2] = (byte) (value >>> 8);
      out[groups * 2 + 1] = (byte) value;
      groups++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (compressAt >= 0) {
          return null; // at most one "::"
        }
        compressAt = groups;
        i++;
      } else if (i == to) {
        return null; // a single trailing colon
      }
    }
    if (compressAt < 0) {
      return groups == 8 ? out : null;
    }
    if (groups == 8) {
      return null; // "::" must stand for at least one group
    }
    int shift = (8 - groups) * 2;
    for (int b = groups * 2 - 1; b >= compressAt * 2; b--) {
      out[b + shift] = out[b];
      out[b] = 0;
    }
    return out;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static int group(byte[] a, int g) {
    return ((a[g * 2] & 0xff) << 8) | (a[g * 2 + 1] & 0xff);
  }

  private static String formatV4(byte[] a, int offset) {
    return (a[offset] & 0xff) + "." + (a[offset + 1] & 0xff) + "." + (a[offset + 2] & 0xff) + "."
        + (a[offset + 3] & 0xff);
  }
}
