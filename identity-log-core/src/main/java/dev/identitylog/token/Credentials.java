package dev.identitylog.token;

import java.util.Locale;
import java.util.Set;

/**
 * Reads credentials out of an {@code Authorization} header value (RFC 9110 section 11). The value
 * itself is a secret: these helpers hand back parts of it for inspection and must never be logged
 * themselves.
 */
public final class Credentials {
  /** Longest scheme name returned by {@link #scheme(String)}; registered ones are far shorter. */
  static final int MAX_SCHEME_LENGTH = 32;

  /**
   * Schemes of the IANA HTTP Authentication Scheme Registry, plus NTLM, lowercase. A header that is
   * one bare word is reported as a scheme only when the word is one of these: otherwise the word is
   * more likely a credential sent without a scheme, which must not be echoed.
   */
  private static final Set<String> KNOWN_SCHEMES =
      Set.of(
          "basic",
          "bearer",
          "concealed",
          "digest",
          "dpop",
          "gnap",
          "hoba",
          "mutual",
          "negotiate",
          "ntlm",
          "oauth",
          "privatetoken",
          "scram-sha-1",
          "scram-sha-256",
          "vapid");

  private Credentials() {}

  /**
   * The token of a {@code Bearer} (RFC 6750) or {@code DPoP} (RFC 9449) credential: the scheme is
   * matched case-insensitively and may be surrounded by any amount of spaces or tabs.
   *
   * <p>The token is returned as sent, without checking it against the {@code token68} grammar:
   * {@link TokenInspector} reports a bad one as malformed, which says more than pretending no
   * credential was sent.
   *
   * @return the token, or {@code null} when the header is absent, uses another scheme, or does not
   *     hold exactly one word after the scheme
   */
  public static String bearerToken(String authorizationHeader) {
    long region = bearerTokenRegion(authorizationHeader);
    return region < 0
        ? null
        : authorizationHeader.substring((int) (region >>> 32), (int) region);
  }

  /**
   * Where {@link #bearerToken(String)} finds the token, without cutting it out: the start index
   * in the high 32 bits and the end index (exclusive) in the low 32 bits, or -1 when {@link
   * #bearerToken(String)} would answer {@code null}. For {@link TokenInspector#inspect(String,
   * int, int)}, which looks a warm token up in its header.
   */
  public static long bearerTokenRegion(String authorizationHeader) {
    String h = authorizationHeader;
    if (h == null) {
      return -1;
    }
    int len = h.length();
    int schemeStart = skipSpace(h, 0);
    int schemeEnd = wordEnd(h, schemeStart);
    if (!isScheme(h, schemeStart, schemeEnd, "Bearer")
        && !isScheme(h, schemeStart, schemeEnd, "DPoP")) {
      return -1;
    }
    int start = skipSpace(h, schemeEnd);
    int end = len;
    while (end > start && isSpace(h.charAt(end - 1))) {
      end--;
    }
    if (start == schemeEnd || start == end || wordEnd(h, start) != end) {
      return -1; // no separator, no token, or more than one word after the scheme
    }
    return ((long) start << 32) | end;
  }

  /**
   * The authentication scheme of an {@code Authorization} header, as written (e.g. {@code Basic},
   * {@code bearer}), or {@code null} when there is none. A scheme is the first word when it is an
   * RFC 9110 token of at most 32 characters followed by a credential; a header that is a single
   * word counts as a scheme only when it is a registered scheme name, because a bare word is more
   * often a credential sent without one.
   */
  public static String scheme(String header) {
    if (header == null) {
      return null;
    }
    int start = skipSpace(header, 0);
    int end = wordEnd(header, start);
    if (end == start || end - start > MAX_SCHEME_LENGTH) {
      return null;
    }
    for (int i = start; i < end; i++) {
      if (!isTchar(header.charAt(i))) {
        return null;
      }
    }
    String word = header.substring(start, end);
    boolean followed = skipSpace(header, end) < header.length();
    if (followed || KNOWN_SCHEMES.contains(word.toLowerCase(Locale.ROOT))) {
      return word;
    }
    return null;
  }

  private static boolean isScheme(String h, int start, int end, String scheme) {
    return end - start == scheme.length() && h.regionMatches(true, start, scheme, 0, end - start);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int wordEnd(String s, int i) {
    while (i < s.length() && !isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /** RFC 9110 {@code tchar}. */
  private static boolean isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
