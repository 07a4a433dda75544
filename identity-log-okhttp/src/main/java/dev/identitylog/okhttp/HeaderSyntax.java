package dev.identitylog.okhttp;

/**
 * What OkHttp accepts as a header, checked up front: a propagated value comes from an inbound
 * request (its request id, its tracestate) and OkHttp throws on characters it does not allow.
 * Such a header is left out rather than failing the call.
 */
final class HeaderSyntax {
  private HeaderSyntax() {}

  static boolean isValid(String name, String value) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c >= 0x7f)) {
        return false;
      }
    }
    return true;
  }
}
