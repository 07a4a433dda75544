package dev.identitylog.protocol;

import dev.identitylog.RequestIdentity;
import dev.identitylog.context.Scope;

/**
 * The in-flight record of one received request, as its adapter holds it between {@code
 * ServerHandler.start} and {@code finish}. The application sees only its {@link RequestIdentity}
 * side. Every method is thread-safe and never throws.
 */
public interface ServerRecord extends RequestIdentity {
  /**
   * Makes this record current (for {@link RequestIdentity#current()}, client adapters and the
   * SLF4J MDC keys {@code trace.id}, {@code span.id}, {@code identity.request.id}) until the
   * scope is closed, on the thread that opened it.
   */
  Scope makeCurrent();

  /**
   * Whether the adapter must answer 400 (gRPC: {@code INVALID_ARGUMENT}) without running the
   * application: strict forwarding is on and forwarded identity arrived from an untrusted peer.
   */
  boolean shouldReject();

  /** Sets {@code http.route} once the framework has matched it. */
  void route(String route);

  /** Whether the record has ended (its event was emitted). */
  boolean isFinished();

  /** The {@code tracestate} received, to be passed on, or {@code null}. */
  String traceState();

  boolean sampled();

  /**
   * The RFC 9440 {@code Client-Cert} value a call to {@code host} forwards, when this hop
   * terminated mTLS and forwarding to that host is configured; otherwise {@code null}.
   */
  String clientCertHeaderFor(String host);
}
