package dev.identitylog.internal.exchange;

import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;

/**
 * What was recorded about one request while it ran: the decisions of application or security code,
 * checks the library made itself, and the outbound calls that failed. Guarded by its own monitor,
 * because async requests record from other threads than the one that started them.
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

  synchronized void authn(Outcome outcome, Reason reason) {
    if (outcome == null || (reason != null && reason.phase() != Phase.AUTHN)) {
      return;
    }
    // A failure is never overwritten by a later success: the first "no" is what explains a request.
    if (authn != null && authn.failed() && !outcome.failed()) {
      return;
    }
    authn = outcome;
    authnReason = outcome.failed() ? reason : null;
  }

  synchronized void authz(Outcome outcome, Reason reason, String policy) {
    if (outcome == null || (reason != null && reason.phase() != Phase.AUTHZ)) {
      return;
    }
    if (authz != null && authz.failed() && !outcome.failed()) {
      return;
    }
    authz = outcome;
    authzReason = outcome.failed() ? reason : null;
    if (policy != null) {
      authzPolicy = policy;
    }
  }

  synchronized void dependency(Outcome outcome, Reason reason, String name, String status) {
    if (outcome == null || (reason != null && reason.phase() != Phase.DEPENDENCY)) {
      return;
    }
    if (dependency != null && dependency.failed() && !outcome.failed()) {
      return;
    }
    dependency = outcome;
    dependencyReason = outcome.failed() ? reason : null;
    dependencyName = name;
    dependencyStatus = status;
  }

  /** An outbound call made while serving the request ended; a failure is remembered (the first). */
  synchronized void outboundCall(Reason failure, String name, String status) {
    outboundCalls++;
    if (failure != null && failedCallReason == null) {
      failedCallReason = failure;
      failedCallName = name;
      failedCallStatus = status;
    }
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
