package dev.identitylog.cert;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the URI, DNS, IP and email names of a subjectAltName extension straight from its DER.
 *
 * <p>The JDK drops the whole extension, silently, when one name in it does not meet its own checks
 * (a URI with a space, a URI without a scheme): {@code getSubjectAlternativeNames()} then returns
 * {@code null} as if there were none. Other layers (Envoy, NGINX) still log such names, and a hop
 * that logged none would break the principle that every hop logs the same facts. So when the JDK
 * gives nothing for an extension that is there, the names are read here.
 */
final class SubjectAltNames {
  static final String OID = "2.5.29.17";

  private static final byte[] NO_BYTES = new byte[0];
  private static final int TAG_OCTET_STRING = 0x04;
  private static final int TAG_SEQUENCE = 0x30;
  private static final int TAG_EMAIL = 0x81;
  private static final int TAG_DNS = 0x82;
  private static final int TAG_URI = 0x86;
  private static final int TAG_IP = 0x87;

  final List<String> names = new ArrayList<>(4);
  final List<String> uris = new ArrayList<>(2);

  private final byte[] der;
  private int pos;

  private SubjectAltNames(byte[] der) {
    this.der = der;
  }

  /**
   * The names in the extension value as {@code X509Certificate.getExtensionValue} returns it (an
   * OCTET STRING wrapping the GeneralNames SEQUENCE).
   *
   * @throws IllegalArgumentException when the DER is malformed
   */
  static SubjectAltNames parse(byte[] extensionValue) {
    SubjectAltNames s = new SubjectAltNames(extensionValue);
    s.read();
    return s;
  }

  private void read() {
    int octetsEnd = expect(TAG_OCTET_STRING, der.length);
    int seqEnd = expect(TAG_SEQUENCE, octetsEnd);
    if (seqEnd != octetsEnd || octetsEnd != der.length) {
      throw new IllegalArgumentException("trailing bytes");
    }
    while (pos < seqEnd) {
      int tag = der[pos++] & 0xff;
      int length = length(seqEnd);
      int start = pos;
      pos += length;
      switch (tag) {
        case TAG_EMAIL:
        case TAG_DNS:
          add(ascii(start, length), false);
          break;
        case TAG_URI:
          add(ascii(start, length), true);
          break;
        case TAG_IP:
          add(ip(start, length), false);
          break;
        default:
          // otherName, x400Address, directoryName, ediPartyName, registeredID: not logged
      }
    }
  }

  /** A list to fill with {@link #add}, from names the JDK already decoded. */
  static SubjectAltNames empty() {
    return new SubjectAltNames(NO_BYTES);
  }

  void add(String value, boolean uri) {
    if (!value.isEmpty()) {
      names.add(value);
      if (uri) {
        uris.add(value);
      }
    }
  }

  private int expect(int tag, int limit) {
    if (pos >= limit || (der[pos] & 0xff) != tag) {
      throw new IllegalArgumentException("unexpected tag");
    }
    pos++;
    int length = length(limit);
    return pos + length;
  }

  /** Reads a definite length and checks that its content fits before {@code limit}. */
  private int length(int limit) {
    if (pos >= limit) {
      throw new IllegalArgumentException("truncated");
    }
    int first = der[pos++] & 0xff;
    int length;
    if (first < 0x80) {
      length = first;
    } else {
      int octets = first & 0x7f;
      if (octets == 0 || octets > 3 || pos + octets > limit) {
        throw new IllegalArgumentException("bad length");
      }
      length = 0;
      for (int i = 0; i < octets; i++) {
        length = (length << 8) | (der[pos++] & 0xff);
      }
    }
    if (length > limit - pos) {
      throw new IllegalArgumentException("truncated");
    }
    return length;
  }

  // IA5String is ASCII; Latin-1 keeps any stray byte visible instead of failing the whole list.
  private String ascii(int start, int length) {
    return new String(der, start, length, StandardCharsets.ISO_8859_1);
  }

  private String ip(int start, int length) {
    if (length != 4 && length != 16) {
      throw new IllegalArgumentException("bad IP address length");
    }
    byte[] address = new byte[length];
    System.arraycopy(der, start, address, 0, length);
    try {
      // Formats like the JDK's own IP SANs; getByAddress never resolves names.
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
