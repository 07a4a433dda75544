package dev.identitylog.trust;

/**
 * One IPv4 or IPv6 CIDR range, kept as masked integers so that a match is a few comparisons.
 * Immutable.
 */
final class AddressRange {
  private final boolean v4;
  private final long networkHigh;
  private final long networkLow;
  private final long maskHigh;
  private final long maskLow;
  private final String text;

  private AddressRange(boolean v4, long networkHigh, long networkLow, long maskHigh, long maskLow,
      String text) {
    this.v4 = v4;
    this.networkHigh = networkHigh;
    this.networkLow = networkLow;
    this.maskHigh = maskHigh;
    this.maskLow = maskLow;
    this.text = text;
  }

  /**
   * Parses {@code a.b.c.d}, {@code a.b.c.d/n}, an IPv6 literal or {@code ipv6/n}.
   *
   * @throws IllegalArgumentException with a message naming the entry and the problem
   */
  static AddressRange parse(String entry) {
    String s = entry.trim();
    int slash = s.indexOf('/');
    String addressPart = slash < 0 ? s : s.substring(0, slash);
    if (addressPart.length() > 2 && addressPart.charAt(0) == '['
        && addressPart.charAt(addressPart.length() - 1) == ']') {
      addressPart = addressPart.substring(1, addressPart.length() - 1);
    }
    byte[] address = IpAddresses.parse(addressPart);
    if (address == null) {
      throw new IllegalArgumentException("not an IP address or CIDR range: \"" + entry
          + "\" (expected e.g. 10.0.0.0/8 or 2001:db8::/32; host names are not resolved)");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException(
            "bad prefix length in \"" + entry + "\": expected 0 to " + bits);
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "bad prefix length in \"" + entry + "\": expected 0 to " + bits);
      }
    }
    // A mapped-IPv4 range is kept as IPv4, because peers are compared after the same mapping.
    if (address.length == 16 && prefix >= 96 && IpAddresses.isV4Mapped(address)) {
      byte[] v4 = new byte[4];
      System.arraycopy(address, 12, v4, 0, 4);
      address = v4;
      prefix -= 96;
      bits = 32;
    }
    long high;
    long low;
    long maskHigh;
    long maskLow;
    if (bits == 32) {
      high = 0;
      low = toInt(address) & 0xffffffffL;
      maskHigh = 0;
      maskLow = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    } else {
      high = toLong(address, 0);
      low = toLong(address, 8);
      maskHigh = mask(Math.min(prefix, 64));
      maskLow = mask(Math.max(prefix - 64, 0));
    }
    if ((high & ~maskHigh) != 0 || (low & ~maskLow) != 0) {
      byte[] network = bits == 32 ? fromInt((int) (low & maskLow))
          : fromLongs(high & maskHigh, low & maskLow);
      throw new IllegalArgumentException("\"" + entry + "\" has host bits set; did you mean "
          + IpAddresses.format(network) + "/" + prefix + "?");
    }
    String text = IpAddresses.format(bits == 32 ? fromInt((int) low) : fromLongs(high, low))
        + "/" + prefix;
    return new AddressRange(bits == 32, high, low, maskHigh, maskLow, text);
  }

  /** Whether the address (4 or 16 bytes, IPv4-mapped already reduced to 4) is in this range. */
  boolean contains(byte[] address) {
    if (address.length == 4) {
      long value = toInt(address) & 0xffffffffL;
      if (v4) {
        return (value & maskLow) == networkLow;
      }
      // an IPv6 range wide enough to cover ::ffff:0:0/96 also covers every IPv4 peer
      return networkHigh == 0
          && ((0x0000ffff00000000L | value) & maskLow) == networkLow;
    }
    return !v4 && (toLong(address, 0) & maskHigh) == networkHigh
        && (toLong(address, 8) & maskLow) == networkLow;
  }

  @Override
  public String toString() {
    return text;
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : -1L << (64 - prefix);
  }

  private static int toInt(byte[] a) {
    return ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
  }

  private static long toLong(byte[] a, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (a[offset + i] & 0xff);
    }
    return v;
  }

  private static byte[] fromInt(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] fromLongs(long high, long low) {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (high >>> (56 - 8 * i));
      out[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return out;
  }
}
