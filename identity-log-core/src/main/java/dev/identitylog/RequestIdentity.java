package dev.identitylog;

import dev.identitylog.context.ContextRecord;
import dev.identitylog.context.RequestContext;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/**
 * The in-flight identity record of the request being served, through which application or
 * security code records its decisions. What is recorded here wins over what the library would
 * infer from the response status (SPEC section 5).
 *
 * <pre>{@code
 * RequestIdentity.current().authzFailed(Reason.INSUFFICIENT_SCOPE, "orders:write");
 * }</pre>
 *
 * <p>Reachable from the current thread ({@link #current()}), from the servlet request attribute
 * {@link #ATTRIBUTE}, and from gRPC's {@code io.grpc.Context}. When no request is being served,
 * {@link #current()} returns a record that ignores everything, so callers never check for null.
 * All methods are thread-safe and never throw.
 */
public interface RequestIdentity extends ContextRecord {
  /** The servlet request attribute (and generic key) under which adapters expose the record. */
  String ATTRIBUTE = RequestIdentity.class.getName();

  /**
   * The record of the request current here ({@link RequestContext#current()}), or a no-op
   * record.
   */
  static RequestIdentity current() {
    ContextRecord record = RequestContext.current();
    return record instanceof RequestIdentity ? (RequestIdentity) record : NoopRequestIdentity.INSTANCE;
  }

  /** Whether this record belongs to a real request (false for the no-op record). */
  boolean isRecording();

  /** {@code trace.id}, or {@code null} for the no-op record. */
  @Override
  String traceId();

  /** {@code span.id} of this request, or {@code null} for the no-op record. */
  @Override
  String spanId();

  /** {@code identity.request.id}, or {@code null} for the no-op record. */
  @Override
  String requestId();

  /** Records an authentication decision. A reason of another phase is ignored. */
  RequestIdentity authn(Outcome outcome, Reason reason);

  /** Records an authorization decision and the policy, role or scope that decided. */
  RequestIdentity authz(Outcome outcome, Reason reason, String policy);

  /**
   * Records a dependency outcome: the dependency's name and its status (HTTP code or gRPC status
   * name), both optional.
   */
  RequestIdentity dependency(Outcome outcome, Reason reason, String name, String status);

  default RequestIdentity authnSucceeded() {
    return authn(Outcome.SUCCESS, null);
  }

  /** Records an authentication failure, or an error when the reason says "could not decide". */
  default RequestIdentity authnFailed(Reason reason) {
    return authn(reason == null ? Outcome.FAILURE : reason.outcome(), reason);
  }

  default RequestIdentity authzSucceeded(String policy) {
    return authz(Outcome.SUCCESS, null, policy);
  }

  /** Records an authorization failure, or an error when the reason says "could not decide". */
  default RequestIdentity authzFailed(Reason reason, String policy) {
    return authz(reason == null ? Outcome.FAILURE : reason.outcome(), reason, policy);
  }

  default RequestIdentity dependencyFailed(String name, Reason reason, String status) {
    return dependency(Outcome.FAILURE, reason, name, status);
  }
}
