package dev.identitylog.examples;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One request the demo sends, what it shows, and the verdict the correlator must give it: the
 * verdict, the hop it names (the root cause: the innermost hop whose own decision failed) and the
 * reason. {@code null} for hop or reason means "none expected".
 */
final class Scenario {
  /*
   * The verdicts of the two scenarios whose root cause lies past the Kafka queue, in one place.
   * They need a correlator that joins message events (SPEC 1.1: identity.producer and
   * identity.consumer) into the request's story; one that skips them sees only the backend's
   * 202 and cannot say anything about billing. A dead-lettered poison message is billing's own
   * failure, with no authn, authz or dependency cause: reason internal_error; the verdict is
   * "unknown" because the standard's verdicts have no word for a hop that failed on its own.
   */
  static final String REFUSED_BY_CONSUMER_VERDICT = "authz_failure";
  static final String REFUSED_BY_CONSUMER_HOP = BillingConsumerHop.NAME;
  static final String REFUSED_BY_CONSUMER_REASON = "policy_denied";
  static final String DEAD_LETTERED_VERDICT = "unknown";
  static final String DEAD_LETTERED_HOP = BillingConsumerHop.NAME;
  static final String DEAD_LETTERED_REASON = "internal_error";

  /** Sends the scenario's one request and returns what the client got. */
  @FunctionalInterface
  interface Action {
    DemoClient.Answer run(DemoClient client, Topology topology, Customer alice, String requestId)
        throws Exception;
  }

  final int number;
  final String name;
  final String description;
  /** The HTTP status the client gets. */
  final int status;
  final String verdict;
  final String hop;
  final String reason;
  private final Action action;

  private Scenario(int number, String name, String description, int status, String verdict,
      String hop, String reason, Action action) {
    this.number = number;
    this.name = name;
    this.description = description;
    this.status = status;
    this.verdict = verdict;
    this.hop = hop;
    this.reason = reason;
    this.action = action;
  }

  /** The request id the scenario's request carries, e.g. {@code demo-01-success}. */
  String requestId() {
    return String.format("demo-%02d-%s", number, name);
  }

  DemoClient.Answer run(DemoClient client, Topology topology, Customer alice) throws Exception {
    return action.run(client, topology, alice, requestId());
  }

  /** The expectation as one string, as the result table shows it: {@code verdict@hop reason}. */
  String expected() {
    return format(verdict, hop, reason);
  }

  static String format(String verdict, String hop, String reason) {
    StringBuilder sb = new StringBuilder(String.valueOf(verdict));
    if (hop != null) {
      sb.append('@').append(hop);
    }
    if (reason != null) {
      sb.append(' ').append(reason);
    }
    return sb.toString();
  }

  /**
   * The customer whose app drives the scenarios: her certificates and her tokens. (How she got
   * them, a login and a certificate enrolment, is not part of the demo.)
   */
  static final class Customer {
    static final String SUBJECT = "alice";

    final DemoPki.Credential certificate;
    final DemoPki.Credential expiredCertificate;
    /** A certificate of someone else, bob: the one a stolen token is bound to. */
    final DemoPki.Credential otherCertificate;
    private final DemoTokens tokens;

    Customer(DemoPki pki, DemoTokens tokens) {
      this.tokens = tokens;
      this.certificate = pki.client(SUBJECT);
      Instant now = Instant.now();
      this.expiredCertificate =
          pki.client(SUBJECT, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
      this.otherCertificate = pki.client("bob");
    }

    /** A token for the gateway with these scopes, bound to her certificate. */
    String token(String... scopes) {
      return tokens.accessToken(SUBJECT, GatewayHop.AUDIENCE, List.of(scopes),
          Duration.ofMinutes(10), certificate.x5tS256());
    }

    /** A token for the gateway that expired five minutes ago. */
    String expiredToken() {
      return tokens.accessToken(SUBJECT, GatewayHop.AUDIENCE, List.of(BackendHop.SCOPE),
          Duration.ofMinutes(-5), certificate.x5tS256());
    }

    /** A valid token that is bound to bob's certificate, not hers. */
    String tokenBoundToOther() {
      return tokens.accessToken(SUBJECT, GatewayHop.AUDIENCE, List.of(BackendHop.SCOPE),
          Duration.ofMinutes(10), otherCertificate.x5tS256());
    }
  }

  /**
   * A workload that is not the storefront: the nightly batch import, calling the backend
   * directly with its own certificate and a token bound to it. The backend serves it; billing's
   * policy does not accept its orders.
   */
  static final class BatchJob {
    static final String NAME = "batch";

    final DemoPki.Credential certificate;
    final String token;

    BatchJob(DemoPki pki, DemoTokens tokens) {
      this.certificate = pki.workload(NAME, null);
      this.token = tokens.accessToken(DemoPki.spiffeId(NAME), BackendHop.AUDIENCE,
          List.of(BackendHop.SCOPE), Duration.ofMinutes(10), certificate.x5tS256());
    }
  }

  /** Every scenario, in the order the demo runs them. */
  static List<Scenario> all() {
    return List.of(
        new Scenario(1, "success",
            "Alice's app calls GET /api/orders/widget through the edge with her client certificate"
                + " and a token bound to it. Every hop authenticates and authorizes, the gateway"
                + " exchanges the token for the backend, the backend asks the inventory.",
            200, "ok", null, null,
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.certificate, alice.token(BackendHop.SCOPE), id)),
        new Scenario(2, "no-client-certificate",
            "The app connects without a client certificate. The edge's TLS layer lets it in"
                + " (want mode), the edge application refuses it with 401.",
            401, "authn_failure", "edge", "cert_missing",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                null, alice.token(BackendHop.SCOPE), id)),
        new Scenario(3, "expired-client-certificate",
            "The app presents a certificate that expired yesterday. The handshake accepts any"
                + " certificate, so instead of an anonymous TLS failure the edge logs who it was,"
                + " and refuses with 401.",
            401, "authn_failure", "edge", "cert_expired",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.expiredCertificate, alice.token(BackendHop.SCOPE), id)),
        new Scenario(4, "missing-token",
            "A valid certificate but no Authorization header: the edge passes the request on,"
                + " the gateway answers 401.",
            401, "authn_failure", "gateway", "credential_missing",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.certificate, null, id)),
        new Scenario(5, "expired-token",
            "The token expired five minutes ago; the gateway's validation says so.",
            401, "authn_failure", "gateway", "token_expired",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.certificate, alice.expiredToken(), id)),
        new Scenario(6, "insufficient-scope",
            "The token only has the scope 'profile'. The gateway accepts it and exchanges it; the"
                + " backend requires 'orders:read' and answers 403.",
            403, "authz_failure", "backend", "insufficient_scope",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.certificate, alice.token("profile"), id)),
        new Scenario(7, "exchange-wrong-audience",
            "GET /api/archive/2023: the gateway's archive route still exchanges tokens for the"
                + " audience of the retired archive service. The backend rejects the exchanged"
                + " token (audience 'archive', not 'backend'): the client's own token was fine.",
            401, "token_exchange_failure", "backend", "audience_mismatch",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/archive/2023",
                alice.certificate, alice.token(BackendHop.SCOPE), id)),
        new Scenario(8, "token-bound-to-other-cert",
            "A valid token, but bound (cnf x5t#S256) to bob's certificate while alice's is"
                + " presented: a stolen token. The gateway compares the binding with the"
                + " certificate the edge forwarded and answers 401.",
            401, "authn_failure", "gateway", "binding_mismatch",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/orders/widget",
                alice.certificate, alice.tokenBoundToOther(), id)),
        new Scenario(9, "inventory-down",
            "The inventory server is stopped for this request (and started again afterwards)."
                + " The backend's gRPC call finds nothing listening and the backend answers 503;"
                + " the library classifies the refused connection as connect_failure.",
            503, "dependency_failure", "backend", "connect_failure",
            (client, t, alice, id) -> {
              t.stopInventory();
              try {
                return client.get(t.edgeUrl() + "/api/orders/widget",
                    alice.certificate, alice.token(BackendHop.SCOPE), id);
              } finally {
                t.restartInventory();
              }
            }),
        new Scenario(10, "inventory-too-slow",
            "The inventory takes 3.5 s to answer; the backend's deadline is 2 s. The call ends"
                + " with DEADLINE_EXCEEDED and the backend answers 504.",
            504, "dependency_failure", "backend", "timeout",
            (client, t, alice, id) -> {
              t.slowInventory(Duration.ofMillis(3500));
              try {
                return client.get(t.edgeUrl() + "/api/orders/widget",
                    alice.certificate, alice.token(BackendHop.SCOPE), id);
              } finally {
                t.slowInventory(Duration.ZERO);
              }
            }),
        new Scenario(11, "spoofed-forwarded-identity",
            "The app skips the edge and the gateway and calls the backend directly over TLS with"
                + " its own certificate, adding an x-forwarded-client-cert header that claims a"
                + " different client. The backend trusts forwarded identity only from the gateway's"
                + " SPIFFE ID, and in strict mode answers 400 without running the application.",
            400, "authn_failure", "backend", "identity_header_untrusted",
            (client, t, alice, id) -> client.get(t.backendUrl() + "/api/orders/widget",
                alice.certificate, null, id,
                "x-forwarded-client-cert",
                "By=" + DemoPki.spiffeId(EdgeHop.NAME) + ";Hash=" + "ab".repeat(32)
                    + ";Subject=\"CN=admin,OU=staff,O=identity-log demo\"")),
        new Scenario(12, "workload-not-allowed",
            "GET /api/reports/widget: the backend's reporting module calls the inventory with its"
                + " own workload certificate, spiffe://identitylog.test/reports, which is not on"
                + " the inventory's allowlist (only .../backend is). The inventory answers"
                + " PERMISSION_DENIED, recording policy_denied; the backend answers 502.",
            502, "authz_failure", "inventory", "policy_denied",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/reports/widget",
                alice.certificate, alice.token(BackendHop.SCOPE), id)),
        new Scenario(13, "legacy-hop-drops-traceparent",
            "GET /api/legacy/orders/widget: the gateway's legacy route calls the backend with an"
                + " un-instrumented client that forwards only X-Request-ID. The request succeeds,"
                + " but the backend starts a new trace; the correlator joins the hops by request id"
                + " and reports the broken trace at the gateway.",
            200, "trace_broken", "gateway", "trace_dropped",
            (client, t, alice, id) -> client.get(t.edgeUrl() + "/api/legacy/orders/widget",
                alice.certificate, alice.token(BackendHop.SCOPE), id)),
        new Scenario(14, "billing-refuses-caller",
            "GET /api/checkout/widget from the nightly batch job, straight to the backend with"
                + " its own workload certificate (spiffe://identitylog.test/batch) and a token"
                + " bound to it. The backend accepts, publishes the order to Kafka and answers"
                + " 202. Billing books only orders the storefront's gateway brought in, reads the"
                + " caller's workload id from the record's evidence headers, and refuses it.",
            202, REFUSED_BY_CONSUMER_VERDICT, REFUSED_BY_CONSUMER_HOP, REFUSED_BY_CONSUMER_REASON,
            (client, t, alice, id) -> {
              BatchJob batch = new BatchJob(t.pki(), t.tokens());
              DemoClient.Answer answer = client.get(t.backendUrl() + "/api/checkout/widget",
                  batch.certificate, batch.token, id);
              t.awaitBilling();
              return answer;
            }),
        new Scenario(15, "poison-order-dead-lettered",
            "GET /api/checkout/gift-card through every hop: the backend publishes the order and"
                + " answers 202, but billing has no price for gift-cards and throws. It reads the"
                + " record again from the broker (a redelivery) until " + BillingConsumerHop
                .MAX_DELIVERIES + " deliveries failed, then publishes it to "
                + DemoKafka.ORDERS_DEAD_LETTERS + " and commits.",
            202, DEAD_LETTERED_VERDICT, DEAD_LETTERED_HOP, DEAD_LETTERED_REASON,
            (client, t, alice, id) -> {
              DemoClient.Answer answer = client.get(t.edgeUrl() + "/api/checkout/gift-card",
                  alice.certificate, alice.token(BackendHop.SCOPE), id);
              t.awaitBilling();
              return answer;
            }));
  }
}
