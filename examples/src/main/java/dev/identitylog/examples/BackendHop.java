package dev.identitylog.examples;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.HopLayer;
import dev.identitylog.grpc.GrpcIdentityLog;
import dev.identitylog.kafka.IdentityLogKafka;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.handler.ssl.SslContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.jetty.server.Server;

/**
 * The backend: an HTTP API behind the gateway, with the servlet filter in strict forwarding mode
 * (forwarded identity headers from anyone but the gateway are answered with 400). For each request
 * it checks the exchanged token (signature, issuer, audience {@code backend}, binding to the
 * caller's certificate), then the scope {@code orders:read}, recording both decisions, and asks
 * the inventory service over gRPC with mTLS, presenting its own SPIFFE certificate.
 *
 * <p>{@code /api/reports/} is served by a reporting module that calls the inventory with its own
 * workload certificate ({@code spiffe://identitylog.test/reports}), which the inventory does not
 * list: the call is refused, and the events show which workload was refused and by whom.
 *
 * <p>{@code /api/checkout/ITEM} places an order: after the same token and scope checks, the
 * backend publishes it to the {@value DemoKafka#ORDERS} topic, waits for the broker's
 * acknowledgement, and answers 202. Its producer has identity-log's interceptor ({@link
 * IdentityLogKafka#producerConfig}), and the send happens inside the request, so the record's
 * headers carry the request's trace and its caller's evidence to billing. (The demo's API takes
 * GET only, the edge forwards nothing else; a real checkout would be a POST.)
 */
final class BackendHop implements AutoCloseable {
  static final String NAME = "backend";
  static final String HOST = Https.host(NAME);
  static final String AUDIENCE = "backend";
  static final String SCOPE = "orders:read";
  /**
   * How long the backend waits for the inventory: long enough for a first call on a busy 2-core
   * machine (channel handshake, class loading), short enough for the slow scenario to stay quick.
   */
  static final long INVENTORY_DEADLINE_MILLIS = 2000;
  static final String CHECKOUT = "/api/checkout/";

  private static final long ORDER_ACK_SECONDS = 10;

  private final Server server;
  private final OkHttpClient client;
  private final ManagedChannel orders;
  private final ManagedChannel reports;
  private final Producer<String, String> orderQueue;
  private final AtomicLong published;

  private BackendHop(Server server, OkHttpClient client, ManagedChannel orders,
      ManagedChannel reports, Producer<String, String> orderQueue, AtomicLong published) {
    this.server = server;
    this.client = client;
    this.orders = orders;
    this.reports = reports;
    this.orderQueue = orderQueue;
    this.published = published;
  }

  static BackendHop start(DemoPki pki, DemoLogs logs, TokenService tokenService,
      int inventoryPort, DemoKafka kafka) throws Exception {
    DemoPki.Credential svid = pki.workload(NAME, HOST);
    DemoPki.Credential reportsSvid = pki.workload("reports", null);
    OkHttpClient client = Https.client(DemoPki.sslContext(svid, pki.trustManager()), pki.trustManager());
    TokenValidator validator = TokenValidator.load(client, tokenService.url());

    IdentityLog identityLog = IdentityLog.builder()
        .serviceName(NAME)
        .hopLayer(HopLayer.BACKEND)
        .trustedProxies(TrustedProxies.builder().spiffeId(DemoPki.spiffeId(GatewayHop.NAME)).build())
        // Jetty below runs in "need" mode with the demo CA as its trust store: it verifies every
        // client certificate, so the SPIFFE ID in it is proof and may name a trusted proxy.
        .peerCertificatesVerified(true)
        .strictForwarding(true)
        .tokenInspector(TokenInspector.builder().verificationKeys(validator.keys()).build())
        .dependencyName(InventoryHop.HOST, InventoryHop.NAME)
        .addSink(logs.general())
        .restrictedFields(logs.restricted())
        .build();
    GrpcIdentityLog grpc = GrpcIdentityLog.create(identityLog);
    ManagedChannel orders = channel(pki, svid, inventoryPort);
    ManagedChannel reports = channel(pki, reportsSvid, inventoryPort);
    Channel ordersInventory = ClientInterceptors.intercept(orders, grpc.newClientInterceptor());
    Channel reportsInventory = ClientInterceptors.intercept(reports, grpc.newClientInterceptor());
    Producer<String, String> orderQueue = new KafkaProducer<>(
        IdentityLogKafka.create(identityLog).producerConfig(kafka.producerConfig(NAME)));
    AtomicLong published = new AtomicLong();

    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        if (!path.startsWith("/api/") || path.lastIndexOf('/') <= "/api".length()) {
          resp.sendError(404);
          return;
        }
        RequestIdentity identity = RequestIdentity.current();

        TokenValidator.Result checked =
            validator.validate(TokenValidator.bearer(req.getHeader("Authorization")), AUDIENCE);
        if (checked.ok()) {
          X509Certificate[] chain =
              (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
          Reason binding = TokenValidator.bindingProblem(
              checked.claims, chain == null ? null : DemoPki.sha256(chain[0]));
          if (binding != null) {
            checked = TokenValidator.Result.failed(binding, "token bound to another certificate");
          }
        }
        if (!checked.ok()) {
          identity.authnFailed(checked.failure);
          resp.setHeader("WWW-Authenticate", checked.challenge());
          resp.sendError(401);
          return;
        }
        identity.authnSucceeded();

        List<String> scopes = TokenValidator.scopes(checked.claims);
        if (!scopes.contains(SCOPE)) {
          identity.authzFailed(Reason.INSUFFICIENT_SCOPE, SCOPE);
          resp.setHeader("WWW-Authenticate", "Bearer realm=\"identity-log demo\", "
              + "error=\"insufficient_scope\", scope=\"" + SCOPE + "\"");
          resp.sendError(403);
          return;
        }
        identity.authzSucceeded(SCOPE);

        String item = path.substring(path.lastIndexOf('/') + 1);
        if (path.startsWith(CHECKOUT)) {
          placeOrder(orderQueue, item, resp, published);
          return;
        }
        Channel inventory = path.startsWith("/api/reports/") ? reportsInventory : ordersInventory;
        String stock;
        try {
          stock = ClientCalls.blockingUnaryCall(inventory, InventoryHop.CHECK_STOCK,
              CallOptions.DEFAULT.withDeadlineAfter(INVENTORY_DEADLINE_MILLIS, TimeUnit.MILLISECONDS),
              item);
        } catch (StatusRuntimeException e) {
          // The failed call is in the request's record already (the gRPC client interceptor
          // reports it), so the event infers the dependency reason from the status chosen here.
          resp.sendError(status(e.getStatus()), "inventory: " + e.getStatus().getCode());
          return;
        }
        resp.setContentType("application/json");
        resp.getOutputStream().write(("{\"stock\":\"" + stock.replace("\"", "'") + "\"}")
            .getBytes(StandardCharsets.UTF_8));
      }
    };
    Server server = Https.start(NAME,
        DemoPki.sslContext(svid, pki.trustManager()), Https.ClientAuth.NEED,
        IdentityLogFilter.builder(identityLog).build(), "/api/*", servlet);
    BackendHop hop = new BackendHop(server, client, orders, reports, orderQueue, published);
    hop.connectInventory();
    return hop;
  }

  /**
   * Publishes the order and answers 202 once the broker acknowledged it, 503 when it did not. The
   * record's key is the item; billing prices it.
   */
  private static void placeOrder(Producer<String, String> queue, String item,
      HttpServletResponse resp, AtomicLong published) throws IOException {
    String order = "{\"item\":\"" + item.replace("\"", "'") + "\",\"quantity\":1}";
    RecordMetadata placed;
    try {
      placed = queue.send(new ProducerRecord<>(DemoKafka.ORDERS, item, order))
          .get(ORDER_ACK_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      resp.sendError(503, "order queue unavailable");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      resp.sendError(503, "order queue unavailable");
      return;
    }
    published.incrementAndGet();
    resp.setStatus(202);
    resp.setContentType("application/json");
    resp.getOutputStream().write(("{\"order\":\"accepted\",\"offset\":" + placed.offset() + "}")
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Orders the broker acknowledged so far. */
  long ordersPublished() {
    return published.get();
  }

  /** 503 when the inventory is unavailable, 504 when it was too slow, 502 otherwise. */
  private static int status(Status status) {
    switch (status.getCode()) {
      case UNAVAILABLE:
        return 503;
      case DEADLINE_EXCEEDED:
        return 504;
      default:
        return 502;
    }
  }

  private static ManagedChannel channel(DemoPki pki, DemoPki.Credential own, int port)
      throws SSLException {
    SslContext tls = GrpcSslContexts.forClient()
        .keyManager(own.privateKey(), own.chain())
        .trustManager(pki.ca())
        .build();
    // The inventory's address is 127.0.0.1; its name (and certificate) is inventory.identitylog.test.
    return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .overrideAuthority(InventoryHop.HOST + ":" + port)
        .sslContext(tls)
        .build();
  }

  /**
   * Connects both channels to the inventory now rather than on the first request, and again right
   * away after the inventory was restarted (instead of waiting out gRPC's reconnect back-off).
   */
  void connectInventory() {
    for (ManagedChannel c : List.of(orders, reports)) {
      c.resetConnectBackoff();
      c.getState(true);
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (ManagedChannel c : List.of(orders, reports)) {
      while (c.getState(true) != ConnectivityState.READY && System.nanoTime() < until) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Waits until both channels noticed that the inventory went away (its server closed their
   * connections), so that the next call finds nothing listening (connection refused) rather than
   * racing the shutdown on a connection that is still closing.
   */
  void awaitInventoryGone() {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (ManagedChannel c : List.of(orders, reports)) {
      while (c.getState(false) == ConnectivityState.READY && System.nanoTime() < until) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  int port() {
    return Https.port(server);
  }

  String url() {
    return "https://" + HOST + ":" + port();
  }

  @Override
  public void close() {
    Https.stop(server);
    orderQueue.close(Duration.ofSeconds(5));
    for (ManagedChannel c : List.of(orders, reports)) {
      c.shutdownNow();
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Https.close(client);
  }
}
