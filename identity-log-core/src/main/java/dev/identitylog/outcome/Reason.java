package dev.identitylog.outcome;

import java.util.HashMap;
import java.util.Map;

/** The reason codes of the standard (SPEC section 4), each with the phase it belongs to. */
public enum Reason implements Coded {
  // authn
  CREDENTIAL_MISSING("credential_missing", Phase.AUTHN),
  CREDENTIAL_MALFORMED("credential_malformed", Phase.AUTHN),
  TOKEN_INVALID("token_invalid", Phase.AUTHN),
  TOKEN_EXPIRED("token_expired", Phase.AUTHN),
  TOKEN_NOT_YET_VALID("token_not_yet_valid", Phase.AUTHN),
  ISSUER_UNTRUSTED("issuer_untrusted", Phase.AUTHN),
  AUDIENCE_MISMATCH("audience_mismatch", Phase.AUTHN),
  CERT_MISSING("cert_missing", Phase.AUTHN),
  CERT_UNTRUSTED("cert_untrusted", Phase.AUTHN),
  CERT_EXPIRED("cert_expired", Phase.AUTHN),
  CERT_NOT_YET_VALID("cert_not_yet_valid", Phase.AUTHN),
  CERT_REVOKED("cert_revoked", Phase.AUTHN),
  BINDING_MISMATCH("binding_mismatch", Phase.AUTHN),
  IDENTITY_HEADER_UNTRUSTED("identity_header_untrusted", Phase.AUTHN),
  AUTHN_DEPENDENCY_UNAVAILABLE("authn_dependency_unavailable", Phase.AUTHN, Outcome.ERROR),
  // authz
  INSUFFICIENT_SCOPE("insufficient_scope", Phase.AUTHZ),
  POLICY_DENIED("policy_denied", Phase.AUTHZ),
  ACTOR_NOT_PERMITTED("actor_not_permitted", Phase.AUTHZ),
  AUTHZ_DEPENDENCY_UNAVAILABLE("authz_dependency_unavailable", Phase.AUTHZ, Outcome.ERROR),
  // dependency
  NO_ROUTE("no_route", Phase.DEPENDENCY),
  DNS_FAILURE("dns_failure", Phase.DEPENDENCY),
  CONNECT_FAILURE("connect_failure", Phase.DEPENDENCY),
  TIMEOUT("timeout", Phase.DEPENDENCY),
  RESET("reset", Phase.DEPENDENCY),
  RETRY_EXHAUSTED("retry_exhausted", Phase.DEPENDENCY),
  OVERFLOW("overflow", Phase.DEPENDENCY),
  PROTOCOL_ERROR("protocol_error", Phase.DEPENDENCY),
  UPSTREAM_TLS_FAILURE("upstream_tls_failure", Phase.DEPENDENCY),
  UPSTREAM_UNAUTHENTICATED("upstream_unauthenticated", Phase.DEPENDENCY),
  UPSTREAM_FORBIDDEN("upstream_forbidden", Phase.DEPENDENCY),
  UPSTREAM_UNAVAILABLE("upstream_unavailable", Phase.DEPENDENCY),
  UPSTREAM_ERROR("upstream_error", Phase.DEPENDENCY),
  // neither
  CLIENT_ABORT("client_abort", Phase.NONE),
  THROTTLED("throttled", Phase.NONE),
  /**
   * 1.1: the hop failed on its own (a plain 500, a consumer that threw) with no authn, authz or
   * dependency cause. Carried by {@code error.type} alone, like the other reasons of neither phase.
   */
  INTERNAL_ERROR("internal_error", Phase.NONE),
  // correlate only
  /**
   * 1.1: {@code verdict.reason} of a {@code trace_broken} verdict (a hop did not pass the trace
   * on). Never written into an event: see {@link #inEvents()}.
   */
  TRACE_DROPPED("trace_dropped", Phase.NONE, Outcome.FAILURE, false);

  private static final Map<String, Reason> BY_CODE = new HashMap<>();

  static {
    for (Reason r : values()) {
      BY_CODE.put(r.code, r);
    }
  }

  private final String code;
  private final Phase phase;
  private final Outcome outcome;
  private final boolean inEvents;

  Reason(String code, Phase phase) {
    this(code, phase, Outcome.FAILURE);
  }

  Reason(String code, Phase phase, Outcome outcome) {
    this(code, phase, outcome, true);
  }

  Reason(String code, Phase phase, Outcome outcome, boolean inEvents) {
    this.code = code;
    this.phase = phase;
    this.outcome = outcome;
    this.inEvents = inEvents;
  }

  @Override
  public String code() {
    return code;
  }

  public Phase phase() {
    return phase;
  }

  /** The outcome this reason implies: {@link Outcome#ERROR} for "could not decide", else failure. */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Whether this reason may appear in an event ({@code error.type}, {@code identity.*.reason});
   * false for the verdict reasons of {@code correlate}.
   */
  public boolean inEvents() {
    return inEvents;
  }

  /**
   * The version of the standard that added this reason ({@code 1.0} or {@code 1.1}).
   */
  public String since() {
    return this == INTERNAL_ERROR || this == TRACE_DROPPED ? "1.1" : "1.0";
  }

  /** The reason with this code, or {@code null} when the code is not part of the standard. */
  public static Reason fromCode(String code) {
    return code == null ? null : BY_CODE.get(code);
  }
}
