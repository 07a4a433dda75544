package dev.identitylog.jdkhttp;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as the receiving server read it: its path and its headers (all values per name). */
final class Received {
  final String path;
  private final Map<String, List<String>> headers; // lower-case names

  Received(String path, Map<String, List<String>> headers) {
    this.path = path;
    this.headers = headers;
  }

  /** The first value of the header, or null. */
  String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every value received for the header. */
  List<String> headers(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? Collections.emptyList() : values;
  }

  @Override
  public String toString() {
    return path + " " + headers;
  }
}
