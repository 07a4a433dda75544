package dev.identitylog.propagation;

/**
 * Read access to the request headers of whatever framework an adapter wraps.
 *
 * <p>An implementation must:
 *
 * <ul>
 *   <li>look names up case-insensitively (the extractor asks for lowercase names, which is also
 *       what gRPC metadata keys and HTTP/2 require);
 *   <li>return null when the header is absent;
 *   <li>when a header occurs more than once, return its values joined with {@code ","} in the
 *       order received (RFC 9110 section 5.3). That is how {@code tracestate} must be combined,
 *       and it makes a repeated {@code traceparent} invalid, as the W3C spec requires.
 * </ul>
 */
@FunctionalInterface
public interface HeaderGetter {
  /** The value of the header, or null when absent. */
  String get(String name);
}
