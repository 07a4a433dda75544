package dev.identitylog.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The whole demo on localhost: a CA and a token issuer, the token service and the four hops, each
 * a real server on its own ephemeral port, started inner first so that each hop knows where its
 * next hop listens. All hops write to the same {@link DemoLogs}: one general and one restricted
 * stream.
 *
 * <pre>
 *   client ──TLS──▶ edge ──mTLS──▶ gateway ──mTLS──▶ backend ──gRPC mTLS──▶ inventory
 *                                     │                 │
 *                                     │                 └──Kafka "orders"──▶ billing (group billing)
 *                                     └──mTLS──▶ token service (token exchange, JWKs)
 * </pre>
 *
 * <p>The Kafka broker is embedded ({@link DemoKafka}); it starts first, in the background, while
 * the servers start. Closing stops every server, the consumer, then the broker; the events of
 * requests still in flight are written before {@link #close()} returns.
 */
final class Topology implements AutoCloseable {
  private final DemoPki pki;
  private final DemoTokens tokens;
  private final List<AutoCloseable> started = new ArrayList<>();
  private DemoKafka kafka;
  private BillingConsumerHop billing;
  private TokenService tokenService;
  private InventoryHop inventory;
  private BackendHop backend;
  private GatewayHop gateway;
  private EdgeHop edge;

  private Topology(DemoPki pki, DemoTokens tokens) {
    this.pki = pki;
    this.tokens = tokens;
  }

  /** Generates the CA and the issuer, and starts everything. */
  static Topology start(DemoLogs logs) throws Exception {
    Topology t = new Topology(DemoPki.create(), DemoTokens.create());
    try {
      // The broker starts in the background while the servers start.
      t.kafka = t.add(DemoKafka.start());
      t.tokenService = t.add(TokenService.start(t.pki, t.tokens,
          Set.of(DemoPki.spiffeId(GatewayHop.NAME)), GatewayHop.AUDIENCE,
          // "archive" is still registered: the archive service it named was merged into the
          // backend, and the token service was never cleaned up either.
          Set.of(BackendHop.AUDIENCE, "archive")));
      t.inventory = t.add(InventoryHop.start(t.pki, logs,
          Set.of(DemoPki.spiffeId(BackendHop.NAME))));
      t.kafka.awaitStarted();
      t.billing = t.add(BillingConsumerHop.start(t.kafka, logs));
      t.backend =
          t.add(BackendHop.start(t.pki, logs, t.tokenService, t.inventory.port(), t.kafka));
      t.gateway = t.add(GatewayHop.start(t.pki, logs, t.tokenService, t.backend.url()));
      t.edge = t.add(EdgeHop.start(t.pki, logs, t.gateway.url()));
    } catch (Exception | Error e) {
      t.close();
      throw e;
    }
    return t;
  }

  private <T extends AutoCloseable> T add(T component) {
    started.add(component);
    return component;
  }

  DemoPki pki() {
    return pki;
  }

  DemoTokens tokens() {
    return tokens;
  }

  /** Where clients connect: the edge. */
  String edgeUrl() {
    return edge.url();
  }

  /** The backend, for the scenario that bypasses the edge and the gateway. */
  String backendUrl() {
    return backend.url();
  }

  /** Stops the inventory service: the backend's calls are refused. */
  void stopInventory() {
    inventory.stop();
    backend.awaitInventoryGone();
  }

  /** Starts the inventory again on its port, and lets the backend reconnect at once. */
  void restartInventory() throws IOException {
    inventory.restart();
    backend.connectInventory();
  }

  /**
   * Waits until billing is done (booked, refused or dead-lettered) with every order the backend
   * published, so that a scenario's message events are written before the next scenario starts.
   */
  void awaitBilling() throws InterruptedException {
    long published = backend.ordersPublished();
    if (!billing.awaitSettled(published, Duration.ofSeconds(60))) {
      throw new IllegalStateException("billing settled " + billing.settled() + " of "
          + published + " orders within 60 s");
    }
  }

  /** Makes the inventory answer only after {@code delay} ({@link Duration#ZERO}: at once). */
  void slowInventory(Duration delay) {
    inventory.delay(delay);
  }

  /** One line per server: its name, URL and port. */
  List<String> describe() {
    return List.of(
        String.format("  %-14s %s", "edge", edge.url()),
        String.format("  %-14s %s", "gateway", gateway.url()),
        String.format("  %-14s %s", "backend", backend.url()),
        String.format("  %-14s grpcs://%s:%d", "inventory", InventoryHop.HOST, inventory.port()),
        String.format("  %-14s %s", "token service", tokenService.url()),
        String.format("  %-14s %s (embedded KRaft broker; topics %s, %s)", "kafka",
            kafka.bootstrapServers(), DemoKafka.ORDERS, DemoKafka.ORDERS_DEAD_LETTERS),
        String.format("  %-14s consumer of %s, group %s", "billing", DemoKafka.ORDERS,
            BillingConsumerHop.GROUP),
        "  (every name resolves to 127.0.0.1; each port is ephemeral)");
  }

  @Override
  public void close() {
    List<AutoCloseable> outerFirst = new ArrayList<>(started);
    Collections.reverse(outerFirst);
    RuntimeException failure = null;
    for (AutoCloseable c : outerFirst) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cannot stop the topology cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    started.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
