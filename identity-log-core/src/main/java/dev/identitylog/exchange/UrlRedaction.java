package dev.identitylog.exchange;

/** Removes what must never be logged from a URL: query, fragment and user information. */
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
    }
    return s;
  }
}
