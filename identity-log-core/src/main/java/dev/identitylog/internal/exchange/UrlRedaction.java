package dev.identitylog.internal.exchange;

/**
 * Removes what must never be logged from a URL: query, fragment, user information and path
 * parameters ({@code ;jsessionid=...} in any segment, which carries session ids as the query can).
 */
final class UrlRedaction {
  private UrlRedaction() {}

  /** {@code url.full} without query and fragment, which may carry secrets. */
  static String stripQuery(String url) {
    if (url == null) {
      return null;
    }
    int q = url.indexOf('?');
    int f = url.indexOf('#');
    int cut = q < 0 ? f : (f < 0 ? q : Math.min(q, f));
    String s = cut < 0 ? url : url.substring(0, cut);
    // user:password@ in the authority is a secret too
    int scheme = s.indexOf("://");
    if (scheme > 0) {
      int start = scheme + 3;
      int slash = s.indexOf('/', start);
      int at = s.lastIndexOf('@', slash < 0 ? s.length() : slash);
      if (at >= start) {
        s = s.substring(0, start) + s.substring(at + 1);
      }
      int path = s.indexOf('/', start);
      return path < 0 ? s : s.substring(0, path) + stripPathParameters(s.substring(path));
    }
    return stripPathParameters(s);
  }

  /**
   * A path without the parameters of its segments: {@code /m/s13;jsessionid=X/a;v=1} becomes
   * {@code /m/s13/a}. The path as given when it has none (no allocation on the common path).
   */
  static String stripPathParameters(String path) {
    if (path == null) {
      return null;
    }
    int semicolon = path.indexOf(';');
    if (semicolon < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    int i = 0;
    while (semicolon >= 0) {
      out.append(path, i, semicolon);
      int slash = path.indexOf('/', semicolon);
      if (slash < 0) {
        return out.toString();
      }
      i = slash;
      semicolon = path.indexOf(';', i);
    }
    return out.append(path, i, path.length()).toString();
  }
}
