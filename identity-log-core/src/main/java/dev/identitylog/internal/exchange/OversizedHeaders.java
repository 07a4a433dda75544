package dev.identitylog.internal.exchange;

import dev.identitylog.propagation.HeaderGetter;
import dev.identitylog.protocol.ServerRequest;

import dev.identitylog.redact.Limits;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inbound request as the server side reads it (SPEC section 7): a header value above {@link
 * Limits#maxHeaderBytes()} reads as absent, so no parser (trace context, token, forwarded identity)
 * ever sees it, and its name is remembered for {@code identity.headers.oversized}. One per request,
 * used by the thread that reads the request.
 *
 * <p>When the adapter lists the request's header names ({@link ServerRequest#headerNames()}), they
 * are read once here, and a known header that is not listed ({@link KnownHeaders}) is answered as
 * absent without asking the adapter: on a servlet container each question goes through the
 * request wrappers into the container's fields, and a request carries few of the twenty or so
 * headers the core may read.
 */
final class OversizedHeaders implements ServerRequest, HeaderGetter {
  private final ServerRequest request;
  private final Limits limits;
  /** Bits of the known headers present ({@link KnownHeaders#ALL}: unknown, ask for every one). */
  private final long present;
  private List<String> names; // allocated only when a header is oversized

  OversizedHeaders(ServerRequest request, Limits limits) {
    this.request = request;
    this.limits = limits;
    this.present = presentHeaders(request);
  }

  private static long presentHeaders(ServerRequest request) {
    try {
      return KnownHeaders.present(request.headerNames());
    } catch (RuntimeException e) {
      return KnownHeaders.ALL; // a listing that fails says nothing: every header is asked for
    }
  }

  @Override
  public String header(String name) {
    if (present != KnownHeaders.ALL && !mayHave(name)) {
      return null;
    }
    String value = request.header(name);
    if (!limits.headerTooLarge(value)) {
      return value;
    }
    return tooLarge(name);
  }

  /** The same as {@link #header}, for the trace-context extractor. */
  @Override
  public String get(String name) {
    return header(name);
  }

  private boolean mayHave(String name) {
    long bit = KnownHeaders.bit(name);
    return bit == 0 || (present & bit) != 0;
  }

  /** Whether any of these known headers (bits of {@link KnownHeaders}) may be present. */
  boolean mayHaveAny(long bits) {
    return (present & bits) != 0;
  }

  /** Remembers an oversized header; a rare branch, kept out of {@link #header}'s compiled code. */
  private String tooLarge(String name) {
    // Lower case, as HTTP/2 and gRPC write header names, so one name reads the same on every hop.
    String key = name.toLowerCase(Locale.ROOT);
    if (names == null) {
      names = new ArrayList<>(2);
    }
    if (!names.contains(key)) {
      names.add(key);
    }
    return null;
  }

  /** Whether this header arrived above the size limit. */
  boolean oversized(String name) {
    return names != null && names.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Whether any header arrived above the size limit. */
  boolean anyOversized() {
    return names != null;
  }

  /** The names of the oversized headers, in the order they were read, or {@code null}. */
  List<String> names() {
    return names == null ? null : List.copyOf(names);
  }

  @Override
  public String peerAddress() {
    return request.peerAddress();
  }

  @Override
  public String serverAddress() {
    return request.serverAddress();
  }

  @Override
  public int serverPort() {
    return request.serverPort();
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return request.peerCertificates();
  }

  @Override
  public String tlsProtocol() {
    return request.tlsProtocol();
  }

  @Override
  public String tlsCipher() {
    return request.tlsCipher();
  }
}
