package dev.identitylog.emit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms: {@code hmac:} and the first 16 bytes of HMAC-SHA256(key, UTF-8 value) as
 * unpadded base64url. 128 bits keep collisions out of reach for any number of parties a log
 * holds; base64url keeps the value short and free of characters that need escaping in JSON.
 *
 * <p>One instance is shared by all threads: each call works on a clone of an initialised
 * prototype, cheaper than looking the algorithm up and deriving the key pads again.
 */
final class Pseudonyms {
  static final int KEPT_BYTES = 16;

  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Mac prototype;

  private Pseudonyms(SecretKeySpec key) {
    this.key = key;
    this.prototype = newMac(key);
  }

  static Pseudonyms hmacSha256(byte[] key) {
    return new Pseudonyms(new SecretKeySpec(key, HMAC));
  }

  /** A Mac for one event's values: {@link Mac#doFinal} leaves it ready for the next value. */
  Mac mac() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(key); // a provider whose Mac cannot be cloned: slower, still correct
    }
  }

  String of(String value) {
    return of(mac(), value);
  }

  static String of(Mac mac, String value) {
    byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    byte[] kept = new byte[KEPT_BYTES];
    System.arraycopy(digest, 0, kept, 0, KEPT_BYTES);
    return RestrictedFields.PSEUDONYM_PREFIX + BASE64URL.encodeToString(kept);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java platform provides HmacSHA256, and any non-empty key is accepted.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
