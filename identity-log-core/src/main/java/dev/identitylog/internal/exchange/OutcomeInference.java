package dev.identitylog.internal.exchange;

import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.token.TokenFacts;
import java.time.Instant;

/**
 * Fills the three outcomes of a server event from what was recorded, and infers what was not
 * (SPEC section 5), marking inferred outcomes with {@code identity.<phase>.inferred = true}.
 */
final class OutcomeInference {
  private OutcomeInference() {}

  /** How the request ended, normalized so that HTTP and gRPC share one set of rules. */
  static final class Ending {
    /** HTTP status, or the HTTP equivalent of a gRPC status; -1 when unknown. */
    final int status;

    /** The gRPC status name, or {@code null} for HTTP. */
    final String grpcStatus;

    final String wwwAuthenticateError;
    final boolean clientAborted;

    Ending(int status, String grpcStatus, String wwwAuthenticateError, boolean clientAborted) {
      this.status = status;
      this.grpcStatus = grpcStatus;
      this.wwwAuthenticateError = wwwAuthenticateError;
      this.clientAborted = clientAborted;
    }

    /**
     * A plain 500, or the gRPC statuses a server raises when its own code failed (UNKNOWN is what
     * gRPC answers for an exception the handler threw). DATA_LOSS also maps to 500 but names a
     * cause of its own.
     */
    boolean internalError() {
      return grpcStatus == null
          ? status == 500
          : "INTERNAL".equals(grpcStatus) || "UNKNOWN".equals(grpcStatus);
    }
  }

  /** Facts about the credentials the request presented. */
  static final class Credentials {
    final TokenFacts token;
    final boolean certificatePresented;
    /** A credential this library does not read (HTTP Basic, a header too large to parse). */
    final boolean otherCredential;
    /** What the library's own check of the certificate found, or {@code null}. */
    final Reason certificateProblem;

    Credentials(
        TokenFacts token, boolean certificatePresented, boolean otherCredential,
        Reason certificateProblem) {
      this.token = token;
      this.certificatePresented = certificatePresented;
      this.otherCredential = otherCredential;
      this.certificateProblem = certificateProblem;
    }

    boolean any() {
      return token != null || certificatePresented || otherCredential;
    }
  }

  static void apply(
      IdentityEvent.Builder b, Decisions d, Ending end, Credentials creds, TokenBinding binding,
      Instant now) {
    int status = end.status;
    // SPEC 5 (1.1): a 401 / 403 answered because a call inside the request was refused relays that
    // refusal; this hop accepted the request far enough to call out, so it is never the cause.
    boolean relayed = relaysRefusal(d, status);

    // authn
    if (d.authn != null) {
      set(b, Fields.AUTHN_OUTCOME, Fields.AUTHN_REASON, null, d.authn, d.authnReason, false);
    } else if (relayed) {
      set(b, Fields.AUTHN_OUTCOME, Fields.AUTHN_REASON, Fields.AUTHN_INFERRED, Outcome.SUCCESS,
          null, true);
    } else if (status == 401) {
      set(b, Fields.AUTHN_OUTCOME, Fields.AUTHN_REASON, Fields.AUTHN_INFERRED, Outcome.FAILURE,
          authnReason(end, creds, binding, now), true);
    } else {
      Outcome o;
      if (!creds.any()) {
        o = Outcome.NOT_APPLICABLE;
      } else if (status == 403 || (status >= 200 && status < 400)) {
        o = Outcome.SUCCESS; // the request got past authentication
      } else {
        o = Outcome.UNKNOWN;
      }
      set(b, Fields.AUTHN_OUTCOME, Fields.AUTHN_REASON, Fields.AUTHN_INFERRED, o, null, true);
    }

    // authz
    boolean authnFailed = b.get(Fields.AUTHN_OUTCOME) == Outcome.FAILURE;
    if (d.authz != null) {
      set(b, Fields.AUTHZ_OUTCOME, Fields.AUTHZ_REASON, null, d.authz, d.authzReason, false);
    } else if (relayed) {
      set(b, Fields.AUTHZ_OUTCOME, Fields.AUTHZ_REASON, Fields.AUTHZ_INFERRED,
          authnFailed ? Outcome.NOT_APPLICABLE : Outcome.SUCCESS, null, true);
    } else if (status == 403) {
      Reason r = "insufficient_scope".equals(end.wwwAuthenticateError)
          ? Reason.INSUFFICIENT_SCOPE
          : Reason.POLICY_DENIED;
      set(b, Fields.AUTHZ_OUTCOME, Fields.AUTHZ_REASON, Fields.AUTHZ_INFERRED, Outcome.FAILURE, r,
          true);
    } else {
      Outcome o;
      if (authnFailed || status == 401 || !creds.any()) {
        o = Outcome.NOT_APPLICABLE;
      } else if (status >= 200 && status < 400) {
        o = Outcome.SUCCESS;
      } else {
        o = Outcome.UNKNOWN;
      }
      set(b, Fields.AUTHZ_OUTCOME, Fields.AUTHZ_REASON, Fields.AUTHZ_INFERRED, o, null, true);
    }
    if (d.authzPolicy != null) {
      b.set(Fields.AUTHZ_POLICY, d.authzPolicy);
    }

    // dependency
    if (d.dependency != null) {
      set(b, Fields.DEPENDENCY_OUTCOME, Fields.DEPENDENCY_REASON, null, d.dependency,
          d.dependencyReason, false);
      if (d.dependency.failed()) {
        b.set(Fields.DEPENDENCY_NAME, d.dependencyName);
        b.set(Fields.DEPENDENCY_STATUS, d.dependencyStatus);
      }
    } else if (relayed
        || (d.failedCallReason != null && (status == 502 || status == 503 || status == 504))) {
      set(b, Fields.DEPENDENCY_OUTCOME, Fields.DEPENDENCY_REASON, Fields.DEPENDENCY_INFERRED,
          Outcome.FAILURE, d.failedCallReason, true);
      b.set(Fields.DEPENDENCY_NAME, d.failedCallName);
      b.set(Fields.DEPENDENCY_STATUS, d.failedCallStatus);
    } else {
      Outcome o;
      if (d.outboundCalls > 0) {
        o = status >= 0 && status < 500 ? Outcome.SUCCESS : Outcome.UNKNOWN;
      } else if (status == 502 || status == 503 || status == 504) {
        o = Outcome.UNKNOWN; // a gateway-type error with no call seen: something we cannot name
      } else {
        o = Outcome.NOT_APPLICABLE;
      }
      set(b, Fields.DEPENDENCY_OUTCOME, Fields.DEPENDENCY_REASON, Fields.DEPENDENCY_INFERRED, o,
          null, true);
    }

    // error.type and event.outcome
    Reason first = firstReason(b);
    if (first == null && status == 429) {
      first = Reason.THROTTLED;
    }
    if (first == null && end.clientAborted) {
      first = Reason.CLIENT_ABORT;
    }
    // SPEC 4 (1.1): the hop failed on its own. Only with no other cause in sight: a failed phase
    // (even one without a reason) or a failed call inside the request may have caused the 500.
    if (first == null && !end.clientAborted && end.internalError() && !anyFailed(b)
        && d.failedCallReason == null) {
      first = Reason.INTERNAL_ERROR;
    }
    b.set(Fields.ERROR_TYPE, first);

    EventOutcome outcome;
    if (end.clientAborted) {
      outcome = EventOutcome.FAILURE;
    } else if (status < 0) {
      outcome = EventOutcome.UNKNOWN;
    } else if (status >= 400 || anyFailed(b)) {
      outcome = EventOutcome.FAILURE;
    } else {
      outcome = EventOutcome.SUCCESS;
    }
    b.set(Fields.EVENT_OUTCOME, outcome);
  }

  /** Whether this 401 / 403 relays the refusal of a call made inside the request. */
  private static boolean relaysRefusal(Decisions d, int status) {
    return (status == 401 || status == 403)
        && d.dependency == null
        && (d.failedCallReason == Reason.UPSTREAM_UNAUTHENTICATED
            || d.failedCallReason == Reason.UPSTREAM_FORBIDDEN);
  }

  /**
   * The reason of an inferred authentication failure, or {@code null} when nothing shows it: only
   * evidence counts (the challenge the hop sent, the token's own claims, a check this library
   * made), never a guess from which credential happened to be present.
   */
  private static Reason authnReason(
      Ending end, Credentials creds, TokenBinding binding, Instant now) {
    TokenFacts t = creds.token;
    String error = end.wwwAuthenticateError;
    if (t != null) {
      if (t.type() == TokenType.MALFORMED) {
        return Reason.CREDENTIAL_MALFORMED;
      }
      if (t.expired(now)) {
        return Reason.TOKEN_EXPIRED;
      }
      if (t.notYetValid(now)) {
        return Reason.TOKEN_NOT_YET_VALID;
      }
      if (binding == TokenBinding.MISMATCH) {
        return Reason.BINDING_MISMATCH;
      }
      if ("invalid_request".equals(error)) {
        return Reason.CREDENTIAL_MALFORMED;
      }
      if ("invalid_token".equals(error) || t.problem() != null) {
        return t.problem() != null ? t.problem() : Reason.TOKEN_INVALID;
      }
      return null;
    }
    if (creds.certificatePresented && creds.certificateProblem != null) {
      return creds.certificateProblem;
    }
    if ("invalid_token".equals(error)) {
      return Reason.TOKEN_INVALID;
    }
    if ("invalid_request".equals(error)) {
      return Reason.CREDENTIAL_MALFORMED;
    }
    // No credential this library could see: that absence is itself the evidence.
    return creds.any() ? null : Reason.CREDENTIAL_MISSING;
  }

  private static void set(
      IdentityEvent.Builder b,
      dev.identitylog.event.Field<Outcome> outcomeField,
      dev.identitylog.event.Field<Reason> reasonField,
      dev.identitylog.event.Field<Boolean> inferredField,
      Outcome outcome,
      Reason reason,
      boolean inferred) {
    b.set(outcomeField, outcome);
    b.set(reasonField, outcome.failed() ? reason : null);
    if (inferredField != null && inferred) {
      b.set(inferredField, Boolean.TRUE);
    }
  }

  private static Reason firstReason(IdentityEvent.Builder b) {
    if (b.get(Fields.AUTHN_REASON) != null) {
      return b.get(Fields.AUTHN_REASON);
    }
    if (b.get(Fields.AUTHZ_REASON) != null) {
      return b.get(Fields.AUTHZ_REASON);
    }
    return b.get(Fields.DEPENDENCY_REASON);
  }

  private static boolean anyFailed(IdentityEvent.Builder b) {
    return failed(b.get(Fields.AUTHN_OUTCOME))
        || failed(b.get(Fields.AUTHZ_OUTCOME))
        || failed(b.get(Fields.DEPENDENCY_OUTCOME));
  }

  private static boolean failed(Outcome o) {
    return o != null && o.failed();
  }

  /** The HTTP equivalent of a gRPC status name, so both share the rules above. */
  static int httpEquivalent(String grpcStatus) {
    if (grpcStatus == null) {
      return -1;
    }
    switch (grpcStatus) {
      case "OK":
        return 200;
      case "UNAUTHENTICATED":
        return 401;
      case "PERMISSION_DENIED":
        return 403;
      case "NOT_FOUND":
        return 404;
      case "ALREADY_EXISTS":
      case "ABORTED":
        return 409;
      case "RESOURCE_EXHAUSTED":
        return 429;
      case "CANCELLED":
        return 499;
      case "UNIMPLEMENTED":
        return 501;
      case "UNAVAILABLE":
        return 503;
      case "DEADLINE_EXCEEDED":
        return 504;
      case "INVALID_ARGUMENT":
      case "FAILED_PRECONDITION":
      case "OUT_OF_RANGE":
        return 400;
      default:
        return 500; // INTERNAL, UNKNOWN, DATA_LOSS
    }
  }
}
