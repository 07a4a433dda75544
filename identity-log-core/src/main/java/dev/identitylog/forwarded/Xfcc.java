package dev.identitylog.forwarded;

import dev.identitylog.redact.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Envoy's {@code x-forwarded-client-cert} (XFCC) header, as documented in Envoy's "HTTP header
 * manipulation" page: elements separated by {@code ,}, one per proxy, oldest first; each element
 * {@code key=value} pairs separated by {@code ;}; keys case-insensitive ({@code By},
 * {@code Hash}, {@code Cert}, {@code Chain}, {@code Subject}, {@code URI}, {@code DNS}); a value may
 * be double-quoted, and then may hold {@code ,} {@code ;} {@code =}, with {@code \"} standing for
 * a quote. {@code URI} and {@code DNS} may repeat; {@code Cert} and {@code Chain} are URL-encoded
 * PEM and are returned decoded.
 *
 * <p>Decisions where the documentation is silent, each in favour of reading what Envoy actually
 * writes: inside quotes only {@code \"} is an escape, so the backslashes of an RFC 2253 subject
 * ({@code CN=Doe\, John}) are kept; an unquoted value may contain {@code =} (Envoy writes URI SANs
 * unquoted); whitespace around pairs and elements is ignored (proxies that join repeated headers
 * add a space after the comma); empty elements and pairs are skipped (RFC 9110 section 5.6.1);
 * unknown keys are ignored, so a future key does not break parsing; percent-decoding leaves
 * {@code +} as is (it is a base64 character in PEM, not a space). A single-valued key that occurs
 * twice in one element is an error: either copy could be the forged one.
 *
 * <p>This class only reads the header. Whether its sender may be believed is the caller's
 * decision ({@link dev.identitylog.trust.TrustedProxies}).
 */
public final class Xfcc {
  private static final int BY = 0;
  private static final int HASH = 1;
  private static final int CERT = 2;
  private static final int CHAIN = 3;
  private static final int SUBJECT = 4;
  private static final int URI = 5;
  private static final int DNS = 6;
  private static final int UNKNOWN = -1;
  private static final String[] NAMES = {"By", "Hash", "Cert", "Chain", "Subject", "URI", "DNS"};

  private Xfcc() {}

  /** Parses a header value with the default size limit. Never throws. */
  public static XfccParseResult parse(String headerValue) {
    return parse(headerValue, Limits.defaults());
  }

  /**
   * Parses a header value; a value longer than {@link Limits#maxHeaderBytes()} is not parsed and
   * yields an error. Null or blank yields no elements and no error. Never throws.
   */
  public static XfccParseResult parse(String headerValue, Limits limits) {
    if (headerValue == null || headerValue.isBlank()) {
      return XfccParseResult.empty();
    }
    int max = (limits == null ? Limits.defaults() : limits).maxHeaderBytes();
    if (headerValue.length() > max) {
      return XfccParseResult.failure(
          "header value longer than " + max + " characters; not parsed");
    }
    return new Parser(headerValue).parse();
  }

  /** One pass over the value; the first error ends it. */
  private static final class Parser {
    private final String s;
    private final int len;
    private int i;
    private final List<XfccElement> elements = new ArrayList<>();
    private final String[] single = new String[5];
    private int seen; // bit per single-valued key already present in this element
    private final List<String> uris = new ArrayList<>();
    private final List<String> dns = new ArrayList<>();
    private boolean elementHasPairs;

    Parser(String s) {
      this.s = s;
      this.len = s.length();
    }

    XfccParseResult parse() {
      while (true) {
        skipOws();
        if (i == len) {
          finishElement();
          return XfccParseResult.of(elements);
        }
        char c = s.charAt(i);
        if (c == ',') {
          finishElement();
          i++;
          continue;
        }
        if (c == ';') {
          i++;
          continue;
        }
        String error = pair();
        if (error != null) {
          return XfccParseResult.failure(error);
        }
      }
    }

    /** Reads one key=value pair at i; returns an error or null. */
    private String pair() {
      int keyStart = i;
      while (i < len && isTchar(s.charAt(i))) {
        i++;
      }
      if (i == keyStart) {
        return "unexpected character at position " + i + " where a key was expected";
      }
      int key = key(keyStart, i);
      skipOws();
      if (i == len || s.charAt(i) != '=') {
        return "expected '=' after key at position " + keyStart;
      }
      i++;
      skipOws();
      String value;
      if (i < len && s.charAt(i) == '"') {
        int open = i;
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i == len) {
            return "unterminated quoted value starting at position " + open;
          }
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < len && s.charAt(i + 1) == '"') {
            sb.append('"');
            i += 2;
          } else if (c == '"') {
            i++;
            break;
          } else {
            sb.append(c);
            i++;
          }
        }
        skipOws();
        if (i < len && s.charAt(i) != ',' && s.charAt(i) != ';') {
          return "unexpected character after the closing quote at position " + i;
        }
        value = sb.toString();
      } else {
        int start = i;
        while (i < len && s.charAt(i) != ',' && s.charAt(i) != ';') {
          if (s.charAt(i) == '"') {
            return "unexpected '\"' inside an unquoted value at position " + i;
          }
          i++;
        }
        int end = i;
        while (end > start && isOws(s.charAt(end - 1))) {
          end--;
        }
        value = s.substring(start, end);
      }
      elementHasPairs = true;
      if (key == UNKNOWN) {
        return null;
      }
      if (key == CERT || key == CHAIN) {
        value = percentDecode(value);
        if (value == null) {
          return "invalid percent-encoding in the " + NAMES[key] + " value of element "
              + (elements.size() + 1);
        }
      }
      if (key == URI || key == DNS) {
        if (!value.isEmpty()) {
          (key == URI ? uris : dns).add(value);
        }
        return null;
      }
      if ((seen & (1 << key)) != 0) {
        return "duplicate key " + NAMES[key] + " in element " + (elements.size() + 1);
      }
      seen |= 1 << key;
      single[key] = value.isEmpty() ? null : value;
      return null;
    }

    private void finishElement() {
      if (elementHasPairs) {
        elements.add(new XfccElement(single[BY], single[HASH], single[CERT], single[CHAIN],
            single[SUBJECT], uris, dns));
      }
      Arrays.fill(single, null);
      seen = 0;
      uris.clear();
      dns.clear();
      elementHasPairs = false;
    }

    private int key(int from, int to) {
      for (int k = 0; k < NAMES.length; k++) {
        String name = NAMES[k];
        if (to - from == name.length() && s.regionMatches(true, from, name, 0, name.length())) {
          return k;
        }
      }
      return UNKNOWN;
    }

    private void skipOws() {
      while (i < len && isOws(s.charAt(i))) {
        i++;
      }
    }
  }

  /**
   * Decodes {@code %XX} escapes (bytes of UTF-8); other characters are kept, {@code +} included.
   * Null when a {@code %} is not followed by two hex digits.
   */
  static String percentDecode(String value) {
    int first = value.indexOf('%');
    if (first < 0) {
      return value;
    }
    byte[] out = new byte[value.length() * 3];
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          return null;
        }
        int high = hexValue(value.charAt(i + 1));
        int low = hexValue(value.charAt(i + 2));
        if (high < 0 || low < 0) {
          return null;
        }
        out[n++] = (byte) ((high << 4) | low);
        i += 2;
      } else if (c < 0x80) {
        out[n++] = (byte) c;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
          encoded = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        System.arraycopy(encoded, 0, out, n, encoded.length);
        n += encoded.length;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
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

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** RFC 9110 token characters. */
  static boolean isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
