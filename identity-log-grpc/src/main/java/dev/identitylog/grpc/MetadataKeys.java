package dev.identitylog.grpc;

import io.grpc.Metadata;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metadata keys by header name, made once: the core asks for a small fixed set of headers on every
 * call, and {@link Metadata.Key#of} validates and lower-cases its name each time it is called.
 */
final class MetadataKeys {
  /** Far more than the core ever asks for; names beyond it get uncached keys. */
  private static final int MAX_CACHED = 128;

  static final String AUTHORIZATION = "authorization";

  private final ConcurrentHashMap<String, Metadata.Key<String>> keys = new ConcurrentHashMap<>();

  MetadataKeys(String requestIdHeader) {
    for (String name :
        new String[] {"traceparent", "tracestate", "Authorization", AUTHORIZATION, requestIdHeader}) {
      get(name);
    }
  }

  /** The ASCII key for this header name, or {@code null} when gRPC cannot carry it as text. */
  Metadata.Key<String> get(String name) {
    if (name == null) {
      return null;
    }
    Metadata.Key<String> key = keys.get(name);
    if (key == null) {
      key = create(name);
      if (key != null && keys.size() < MAX_CACHED) {
        keys.putIfAbsent(name, key);
      }
    }
    return key;
  }

  private static Metadata.Key<String> create(String name) {
    if (name.toLowerCase(Locale.ROOT).endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return null; // binary metadata is not text; no header the library reads is binary
    }
    try {
      return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    } catch (IllegalArgumentException e) {
      return null; // not a valid metadata name (e.g. a pseudo-header): no such header
    }
  }

  /**
   * Every value of the header joined with {@code ","} in the order received (the core's
   * contract), or {@code null}: the first alone would let a caller's own entry shadow the one a
   * trusted proxy appended.
   */
  String joined(Metadata metadata, String name) {
    Metadata.Key<String> key = get(name);
    if (key == null || metadata == null) {
      return null;
    }
    Iterable<String> all = metadata.getAll(key);
    if (all == null) {
      return null;
    }
    Iterator<String> values = all.iterator();
    if (!values.hasNext()) {
      return null;
    }
    String first = values.next();
    if (!values.hasNext()) {
      return first;
    }
    StringBuilder joined = new StringBuilder(first);
    while (values.hasNext()) {
      joined.append(',').append(values.next());
    }
    return joined.toString();
  }
}
