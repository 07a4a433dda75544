package dev.identitylog.grpc;

/** Host and port of a gRPC {@code :authority} ({@code host}, {@code host:port}, {@code [v6]:port}). */
final class Authority {
  private Authority() {}

  static String host(String authority) {
    if (authority == null || authority.isEmpty()) {
      return null;
    }
    String a = withoutUserInfo(authority);
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      return close > 1 ? a.substring(1, close) : null;
    }
    int colon = a.indexOf(':');
    if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) {
      return a; // a bare IPv6 address
    }
    String host = colon < 0 ? a : a.substring(0, colon);
    return host.isEmpty() ? null : host;
  }

  /** The port, or -1 when there is none or it is not a number. */
  static int port(String authority) {
    if (authority == null) {
      return -1;
    }
    String a = withoutUserInfo(authority);
    int colon = a.lastIndexOf(':');
    if (colon < 0 || (a.startsWith("[") && colon < a.indexOf(']'))) {
      return -1;
    }
    if (!a.startsWith("[") && a.indexOf(':') != colon) {
      return -1; // a bare IPv6 address
    }
    int port = 0;
    int digits = a.length() - colon - 1;
    if (digits < 1 || digits > 5) {
      return -1;
    }
    for (int i = colon + 1; i < a.length(); i++) {
      char c = a.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      port = port * 10 + (c - '0');
    }
    return port > 0 && port <= 65535 ? port : -1;
  }

  private static String withoutUserInfo(String authority) {
    int at = authority.lastIndexOf('@');
    return at < 0 ? authority : authority.substring(at + 1);
  }
}
