package dev.identitylog.internal.exchange;

import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;

/**
 * What was recorded about one request while it ran: the decisions of application or security code,
 * checks the library made itself, and the outbound calls that failed. Guarded by its own monitor,
 * because async requests and tasks carried to executors record from other threads than the one
 * that started them. {@link #close()} takes the last snapshot: what arrives after it (a task that
 * outlived its request) is refused, so the ended request is never changed and the event built from
 * that snapshot is all there is.
 */
final class Decisions {
  Outcome authn;
  Reason authnReason;
  Outcome authz;
  Reason authzReason;
  String authzPolicy;
  Outcome dependency;
  Reason dependencyReason;
  String dependencyName;
  String dependencyStatus;

  int outboundCalls;
  Reason failedCallReason;
  String failedCallName;
  String failedCallStatus;

  /** Nothing recorded, closed: the decisions of every request that recorded none. */
  static final Decisions NONE = new Decisions().close();

  private boolean closed;

  synchronized boolean authn(Outcome outcome, Reason reason) {
    if (closed) {
      return false;
    }
    if (outcome == null || (reason != null && reason.phase() != Phase.AUTHN)) {
      return true;
    }
    // A failure is never overwritten by a later success: the first "no" is what explains a request.
    if (authn != null && authn.failed() && !outcome.failed()) {
      return true;
    }
    authn = outcome;
    authnReason = outcome.failed() ? reason : null;
    return true;
  }

  synchronized boolean authz(Outcome outcome, Reason reason, String policy) {
    if (closed) {
      return false;
    }
    if (outcome == null || (reason != null && reason.phase() != Phase.AUTHZ)) {
      return true;
    }
    if (authz != null && authz.failed() && !outcome.failed()) {
      return true;
    }
    authz = outcome;
    authzReason = outcome.failed() ? reason : null;
    if (policy != null) {
      authzPolicy = policy;
    }
    return true;
  }

  synchronized boolean dependency(Outcome outcome, Reason reason, String name, String status) {
    if (closed) {
      return false;
    }
    if (outcome == null || (reason != null && reason.phase() != Phase.DEPENDENCY)) {
      return true;
    }
    if (dependency != null && dependency.failed() && !outcome.failed()) {
      return true;
    }
    dependency = outcome;
    dependencyReason = outcome.failed() ? reason : null;
    dependencyName = name;
    dependencyStatus = status;
    return true;
  }

  /** An outbound call made while serving the request ended; a failure is remembered (the first). */
  synchronized boolean outboundCall(Reason failure, String name, String status) {
    if (closed) {
      return false;
    }
    outboundCalls++;
    if (failure != null && failedCallReason == null) {
      failedCallReason = failure;
      failedCallName = name;
      failedCallStatus = status;
    }
    return true;
  }

  /**
   * The last snapshot: every later recording is refused (returns {@code false}). Nothing changes
   * this object once it is closed, and the caller reads it after this synchronized call, so it is
   * its own snapshot: no copy per request.
   */
  synchronized Decisions close() {
    closed = true;
    return this;
  }

  synchronized Decisions snapshot() {
    Decisions d = new Decisions();
    d.authn = authn;
    d.authnReason = authnReason;
    d.authz = authz;
    d.authzReason = authzReason;
    d.authzPolicy = authzPolicy;
    d.dependency = dependency;
    d.dependencyReason = dependencyReason;
    d.dependencyName = dependencyName;
    d.dependencyStatus = dependencyStatus;
    d.outboundCalls = outboundCalls;
    d.failedCallReason = failedCallReason;
    d.failedCallName = failedCallName;
    d.failedCallStatus = failedCallStatus;
    return d;
  }
}
