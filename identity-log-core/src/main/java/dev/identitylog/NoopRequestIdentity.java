package dev.identitylog;

import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/** The record returned when no request is being served: it ignores everything. */
final class NoopRequestIdentity implements RequestIdentity {
  static final NoopRequestIdentity INSTANCE = new NoopRequestIdentity();

  private NoopRequestIdentity() {}

  @Override
  public boolean isRecording() {
    return false;
  }

  @Override
  public String traceId() {
    return null;
  }

  @Override
  public String spanId() {
    return null;
  }

  @Override
  public String requestId() {
    return null;
  }

  @Override
  public RequestIdentity authn(Outcome outcome, Reason reason) {
    return this;
  }

  @Override
  public RequestIdentity authz(Outcome outcome, Reason reason, String policy) {
    return this;
  }

  @Override
  public RequestIdentity dependency(Outcome outcome, Reason reason, String name, String status) {
    return this;
  }

  @Override
  public String toString() {
    return "RequestIdentity{not recording}";
  }
}
