package dev.identitylog.forwarded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Distinguished names that proxies forward, written as RFC 2253 (SPEC section 6), so that a
 * forwarded subject joins with the {@code tls.client.subject} of the hop that saw the handshake.
 *
 * <p>OpenSSL's one-line "slash" form ({@code /C=US/ST=CA/OU=Lyft/CN=Test Client}, most significant
 * RDN first, {@code +} joining the attributes of a multi-valued RDN, a backslash escaping the next
 * character) is parsed here and rendered by the JDK ({@link X500Principal#getName(String)} with
 * {@link X500Principal#RFC2253}), which reverses the order and escapes values. Any other value is
 * returned unchanged: names already in RFC 2253 keep their bytes, and text that is not a name is
 * left for the event's sanitizer rather than guessed at.
 */
public final class DistinguishedNames {
  /** OpenSSL short names the JDK does not know as keywords. */
  private static final Map<String, String> KEYWORDS =
      Map.of(
          "emailAddress", "1.2.840.113549.1.9.1",
          "serialNumber", "2.5.4.5",
          "title", "2.5.4.12",
          "GN", "2.5.4.42",
          "SN", "2.5.4.4",
          "name", "2.5.4.41");

  private DistinguishedNames() {}

  /** The name as RFC 2253 when it is in OpenSSL's slash form; otherwise {@code dn} itself. */
  public static String toRfc2253(String dn) {
    if (dn == null || dn.length() < 2 || dn.charAt(0) != '/') {
      return dn;
    }
    try {
      List<String> rdns = slashRdns(dn);
      if (rdns == null || rdns.isEmpty()) {
        return dn;
      }
      // X500Principal reads RFC 2253 (least significant first): hand it the RDNs reversed.
      StringBuilder rfc = new StringBuilder(dn.length() + 8);
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rfc.length() > 0) {
          rfc.append(',');
        }
        rfc.append(rdns.get(i));
      }
      return new X500Principal(rfc.toString(), KEYWORDS).getName(X500Principal.RFC2253);
    } catch (IllegalArgumentException e) {
      return dn; // not a name the JDK can read: kept as sent, sanitized when written
    }
  }

  /** The RDNs of a slash-form name, each in RFC 2253 syntax, or {@code null} when malformed. */
  private static List<String> slashRdns(String dn) {
    List<String> rdns = new ArrayList<>();
    StringBuilder rdn = new StringBuilder();
    StringBuilder typeChars = new StringBuilder();
    StringBuilder value = new StringBuilder();
    String type = null;
    int end = dn.length();
    for (int i = 1; i <= end; i++) {
      char c = i < end ? dn.charAt(i) : '/'; // a '/' after the last value ends it
      if (type == null) {
        if (c == '=') {
          type = typeChars.toString().strip();
          typeChars.setLength(0);
          if (type.isEmpty()) {
            return null;
          }
        } else if (c == '/' && i == end && rdn.length() == 0 && typeChars.length() == 0) {
          break; // a trailing '/'
        } else if (c == '/' || c == '+' || c == '\\') {
          return null; // an attribute without '=': not a name
        } else {
          typeChars.append(c);
        }
      } else if (c == '\\' && i + 1 < end) {
        value.append(dn.charAt(++i));
      } else if (c == '/' || (c == '+' && looksLikeAttribute(dn, i + 1))) {
        rdn.append(type).append('=');
        escape(value, rdn);
        value.setLength(0);
        type = null;
        if (c == '/') {
          rdns.add(rdn.toString());
          rdn.setLength(0);
        } else {
          rdn.append('+');
        }
      } else {
        value.append(c);
      }
    }
    return type == null && rdn.length() == 0 && typeChars.length() == 0 ? rdns : null;
  }

  /** Whether an attribute ({@code type=}) starts at {@code i}: else a '+' is part of the value. */
  private static boolean looksLikeAttribute(String dn, int i) {
    int j = i;
    while (j < dn.length()) {
      char c = dn.charAt(j);
      if (c == '=') {
        return j > i;
      }
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
        return false;
      }
      j++;
    }
    return false;
  }

  /** Appends an attribute value with the escapes of RFC 2253 section 2.4. */
  private static void escape(CharSequence value, StringBuilder out) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean edgeSpace = c == ' ' && (i == 0 || i == value.length() - 1);
      if (",+\"\\<>;=".indexOf(c) >= 0 || edgeSpace || (c == '#' && i == 0)) {
        out.append('\\');
      }
      out.append(c);
    }
  }
}
