package dev.identitylog.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Truncated SHA-256 or HMAC-SHA256 of a string's UTF-8 bytes, as lowercase hex. One instance is
 * shared by all threads: each call works on a clone of an initialised prototype, which is cheaper
 * than looking the algorithm up and re-deriving the HMAC key pads on every call.
 */
final class Digests {
  /** Bytes kept of the digest: 16 bytes, 32 hex characters. */
  static final int KEPT_BYTES = 16;

  private static final String HMAC = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;
  private final Mac macPrototype;
  private final MessageDigest digestPrototype;

  private Digests(SecretKeySpec key, Mac macPrototype, MessageDigest digestPrototype) {
    this.key = key;
    this.macPrototype = macPrototype;
    this.digestPrototype = digestPrototype;
  }

  /** Plain SHA-256. */
  static Digests sha256() {
    try {
      return new Digests(null, null, MessageDigest.getInstance("SHA-256"));
    } catch (GeneralSecurityException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** HMAC-SHA256 under this key (copied). */
  static Digests hmacSha256(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, HMAC);
    return new Digests(spec, newMac(spec), null);
  }

  /** The first {@value #KEPT_BYTES} bytes of the digest of {@code value}'s UTF-8 bytes, as hex. */
  String hex(String value) {
    return HEX.formatHex(digest(value.getBytes(StandardCharsets.UTF_8)), 0, KEPT_BYTES);
  }

  private byte[] digest(byte[] input) {
    if (macPrototype != null) {
      Mac mac;
      try {
        mac = (Mac) macPrototype.clone();
      } catch (CloneNotSupportedException e) {
        mac = newMac(key); // a provider whose Mac cannot be cloned: slower, still correct
      }
      return mac.doFinal(input);
    }
    MessageDigest md;
    try {
      md = (MessageDigest) digestPrototype.clone();
    } catch (CloneNotSupportedException e) {
      md = sha256().digestPrototype;
    }
    return md.digest(input);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java platform is required to provide HmacSHA256; any non-empty key is accepted.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
