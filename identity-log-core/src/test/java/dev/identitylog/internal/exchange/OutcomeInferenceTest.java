package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ClientRequest;
import dev.identitylog.context.Scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The inference rules SPEC 1.1 adds or sharpens (section 5), over the protocol layer. */
class OutcomeInferenceTest {
  private static final TestPki PKI = TestPki.create("Inference CA");
  private static final Credential CLIENT = PKI.issue(TestPki.leaf("CN=shop-web").clientAuth());

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder().serviceName("gateway").hopLayer(HopLayer.GATEWAY).addSink(sink).build();

  private ServerExchange start(FakeInboundRequest request) {
    return ServerExchange.start(log, request);
  }

  /** Makes one outbound call named {@code inventory} inside the request, ended by {@code end}. */
  private void callInside(ServerExchange x, java.util.function.Consumer<ClientExchange> end) {
    try (Scope ignored = x.makeCurrent()) {
      end.accept(ClientExchange.start(log, new ClientRequest() {
        @Override
        public String serverAddress() {
          return "inventory";
        }
      }, ServerExchange.current()));
    }
  }

  // ------------------------------------------------------------------ a relayed refusal

  @Test
  void a401RelayedFromACallIsADependencyFailureAndThisHopAuthenticated() {
    String token = TestTokens.rs256().audience("gateway").sign();
    ServerExchange x = start(new FakeInboundRequest().header("Authorization", "Bearer " + token));
    callInside(x, c -> c.finishHttp(401, null));
    IdentityEvent e = x.finishHttp(401, "Bearer error=\"invalid_token\"", null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.AUTHN_INFERRED)).isTrue();
    assertThat(e.has(Fields.AUTHN_REASON)).isFalse();
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.AUTHZ_INFERRED)).isTrue();
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo("401");
    assertThat(e.get(Fields.DEPENDENCY_INFERRED)).isTrue();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void a403RelayedFromACallIsNotThisHopsPolicy() {
    ServerExchange x = start(new FakeInboundRequest());
    callInside(x, c -> c.finishHttp(403, null));
    IdentityEvent e = x.finishHttp(403, null, null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.has(Fields.AUTHZ_REASON)).isFalse();
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_FORBIDDEN);
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo("403");
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.UPSTREAM_FORBIDDEN);
  }

  @Test
  void aGrpcRefusalRelayedFromAGrpcCallIsADependencyFailure() {
    ServerExchange x = start(new FakeInboundRequest());
    callInside(x, c -> c.finishGrpc("UNAUTHENTICATED", null));
    IdentityEvent e = x.finishGrpc("UNAUTHENTICATED", null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void whatTheHopRecordedStillWinsOverTheRelayRule() {
    ServerExchange x = start(new FakeInboundRequest());
    callInside(x, c -> c.finishHttp(401, null));
    x.authn(Outcome.FAILURE, Reason.TOKEN_EXPIRED);
    IdentityEvent e = x.finishHttp(401, null, null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(e.has(Fields.AUTHN_INFERRED)).isFalse();
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.NOT_APPLICABLE);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.TOKEN_EXPIRED);
  }

  @Test
  void aRefusedCallBehindAnotherStatusIsNotARelay() {
    ServerExchange x = start(new FakeInboundRequest());
    callInside(x, c -> c.finishHttp(401, null));
    IdentityEvent e = x.finishHttp(200, null, null); // the hop coped without the call

    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();
  }

  // ------------------------------------------------------------------ a reason needs evidence

  @Test
  void a401WithAnUncheckedCertificateHasNoReason() {
    FakeInboundRequest request = new FakeInboundRequest();
    request.certificates = new X509Certificate[] {CLIENT.certificate()};
    IdentityEvent e = start(request).finishHttp(401, null, null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHN_INFERRED)).isTrue();
    assertThat(e.has(Fields.AUTHN_REASON)).as("nothing checked the certificate").isFalse();
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void a401WithAGoodLookingTokenAndNoChallengeHasNoReason() {
    String token = TestTokens.rs256().audience("gateway").expiresIn(Duration.ofMinutes(5)).sign();
    IdentityEvent e =
        start(new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(401, "Bearer realm=\"gateway\"", null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.has(Fields.AUTHN_REASON)).isFalse();
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();
  }

  @Test
  void theChallengeIsEvidence() {
    String token = TestTokens.rs256().audience("gateway").sign();
    IdentityEvent e =
        start(new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(401, "Bearer error=\"invalid_token\"", null);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.TOKEN_INVALID);
  }

  @Test
  void aSignatureTheLibraryRejectedIsEvidence() {
    IdentityLog verifying =
        IdentityLog.builder()
            .serviceName("gateway")
            .tokenInspector(
                dev.identitylog.token.TokenInspector.builder()
                    .verificationKeys(TestTokens.jwkSet())
                    .build())
            .addSink(sink)
            .build();
    String forged = TestTokens.rs256().audience("gateway").otherKeySign();
    IdentityEvent e =
        ServerExchange.start(verifying, new FakeInboundRequest().header("Authorization", "Bearer " + forged))
            .finishHttp(401, null, null);
    assertThat(e.get(Fields.TOKEN_VERIFIED)).isFalse();
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.TOKEN_INVALID);
  }

  @Test
  void anExpiredTokenIsItsOwnEvidence() {
    String token = TestTokens.rs256().expiredAgo(Duration.ofMinutes(1)).sign();
    IdentityEvent e =
        start(new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(401, null, null);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.TOKEN_EXPIRED);
  }

  @Test
  void aCredentialTheLibraryDoesNotReadIsNotAMissingOne() {
    IdentityEvent e =
        start(new FakeInboundRequest().header("Authorization", "Basic dXNlcjpwYXNz"))
            .finishHttp(401, null, null);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.has(Fields.AUTHN_REASON)).isFalse();
  }

  // ------------------------------------------------------------------ internal_error

  @Test
  void aPlain500IsAnInternalErrorOfNeitherPhase() {
    IdentityEvent e = start(new FakeInboundRequest()).finishHttp(500, null, null);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.has(Fields.AUTHN_REASON)).isFalse();
    assertThat(e.has(Fields.AUTHZ_REASON)).isFalse();
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.NOT_APPLICABLE);
  }

  @Test
  void grpcInternalAndUnknownAreInternalErrorsDataLossIsNot() {
    assertThat(start(new FakeInboundRequest()).finishGrpc("INTERNAL", null).get(Fields.ERROR_TYPE))
        .isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(start(new FakeInboundRequest()).finishGrpc("UNKNOWN", null).get(Fields.ERROR_TYPE))
        .isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(start(new FakeInboundRequest()).finishGrpc("DATA_LOSS", null).has(Fields.ERROR_TYPE))
        .isFalse();
  }

  @Test
  void a500WithAnotherCauseInSightIsNotAnInternalError() {
    ServerExchange failedCall = start(new FakeInboundRequest());
    callInside(failedCall, c -> c.finishHttp(503, null));
    assertThat(failedCall.finishHttp(500, null, null).has(Fields.ERROR_TYPE)).isFalse();

    ServerExchange recorded = start(new FakeInboundRequest());
    recorded.dependency(Outcome.ERROR, Reason.TIMEOUT, "db", null);
    assertThat(recorded.finishHttp(500, null, null).get(Fields.ERROR_TYPE))
        .isEqualTo(Reason.TIMEOUT);

    assertThat(start(new FakeInboundRequest()).finishHttp(502, null, null).has(Fields.ERROR_TYPE))
        .isFalse();
    assertThat(start(new FakeInboundRequest()).finishAborted(500, null).get(Fields.ERROR_TYPE))
        .isEqualTo(Reason.CLIENT_ABORT);
  }
}
