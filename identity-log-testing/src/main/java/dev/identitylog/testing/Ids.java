package dev.identitylog.testing;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random lowercase hex ids for trace contexts the suites send, never all zero. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String hex(int digits) {
    byte[] bytes = new byte[digits / 2];
    RANDOM.nextBytes(bytes);
    bytes[0] |= 1;
    return HexFormat.of().formatHex(bytes);
  }
}
