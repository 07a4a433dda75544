package dev.identitylog.cert;

import java.util.List;

/**
 * SPIFFE IDs as the SPIFFE ID specification defines them: {@code spiffe://trust-domain/path}.
 * Validation is strict and allocation-free, because the ID becomes {@code identity.workload.id}
 * and other hops join on it: a value that another SPIFFE implementation would reject must not be
 * logged as a workload identity.
 */
public final class SpiffeId {
  /** The longest SPIFFE ID the specification allows, in bytes (all valid IDs are ASCII). */
  static final int MAX_LENGTH = 2048;

  private static final String PREFIX = "spiffe://";

  private SpiffeId() {}

  /**
   * Whether the value is a valid SPIFFE ID: the lowercase scheme {@code spiffe}, a non-empty trust
   * domain of {@code [a-z0-9.-_]} (so no port, user info or uppercase), then optionally a path of
   * segments of {@code [A-Za-z0-9.-_]}, none empty, {@code .} or {@code ..}, no trailing slash, no
   * query or fragment, and at most 2048 bytes in all.
   */
  public static boolean isValid(String id) {
    if (id == null || id.length() > MAX_LENGTH || !id.startsWith(PREFIX)) {
      return false;
    }
    int len = id.length();
    int i = PREFIX.length();
    int domainStart = i;
    while (i < len && id.charAt(i) != '/') {
      if (!trustDomainChar(id.charAt(i))) {
        return false;
      }
      i++;
    }
    if (i == domainStart) {
      return false;
    }
    // i is at the end or at a '/' that starts a segment
    while (i < len) {
      int segStart = ++i; // skip '/'
      while (i < len && id.charAt(i) != '/') {
        if (!pathChar(id.charAt(i))) {
          return false;
        }
        i++;
      }
      int segLen = i - segStart;
      if (segLen == 0) {
        return false; // empty segment or trailing slash
      }
      if (isDotSegment(id, segStart, segLen)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The SPIFFE ID among a certificate's URI SANs: the single URI with the {@code spiffe} scheme
   * when it is valid, else {@code null} (none, more than one, or an invalid one). An X.509-SVID
   * carries exactly one; a certificate with two cannot name one workload.
   *
   * @param uriSans the URI subject alternative names; other values that do not start with {@code
   *     spiffe:} are ignored
   */
  public static String fromAlternativeNames(List<String> uriSans) {
    if (uriSans == null) {
      return null;
    }
    String found = null;
    for (int i = 0, n = uriSans.size(); i < n; i++) {
      String uri = uriSans.get(i);
      if (uri != null && uri.regionMatches(true, 0, "spiffe:", 0, 7)) {
        if (found != null) {
          return null;
        }
        found = uri;
      }
    }
    return found != null && isValid(found) ? found : null;
  }

  private static boolean isDotSegment(String id, int start, int len) {
    return id.charAt(start) == '.' && (len == 1 || (len == 2 && id.charAt(start + 1) == '.'));
  }

  private static boolean trustDomainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }

  private static boolean pathChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_';
  }
}
