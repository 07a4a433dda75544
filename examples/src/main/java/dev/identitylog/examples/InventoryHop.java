package dev.identitylog.examples;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.event.HopLayer;
import dev.identitylog.grpc.GrpcIdentityLog;
import dev.identitylog.outcome.Reason;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The inventory service: gRPC over mTLS (Netty), one unary method {@code CheckStock}. Only the
 * workloads on its allowlist may call it: an application interceptor reads the caller's SPIFFE ID
 * from the call's TLS session and answers {@code PERMISSION_DENIED}, recording
 * {@code policy_denied}, for anyone else.
 *
 * <p>identity-log: the gRPC server interceptor records every call; it is added with {@code
 * ServerBuilder.intercept}, so it runs before the allowlist and sees the calls it rejects.
 *
 * <p>For the scenarios it can be stopped and started again on the same port, and slowed down.
 */
final class InventoryHop implements AutoCloseable {
  static final String NAME = "inventory";
  static final String HOST = Https.host(NAME);
  static final String SERVICE = "demo.inventory.Inventory";
  /** The policy name recorded with the allowlist's decisions. */
  static final String POLICY = "inventory-callers";

  /** {@code demo.inventory.Inventory/CheckStock}: an item name in, a stock line out. */
  static final MethodDescriptor<String, String> CHECK_STOCK =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "CheckStock"))
          .setRequestMarshaller(Utf8.INSTANCE)
          .setResponseMarshaller(Utf8.INSTANCE)
          .build();

  private final DemoPki.Credential svid;
  private final DemoPki pki;
  private final Set<String> allowed;
  private final GrpcIdentityLog grpc;
  private final ScheduledExecutorService timer;
  private volatile Duration delay = Duration.ZERO;
  private Server server;
  private int port;

  private InventoryHop(DemoPki pki, DemoLogs logs, Set<String> allowed) {
    this.pki = pki;
    this.svid = pki.workload(NAME, HOST);
    this.allowed = Set.copyOf(allowed);
    IdentityLog identityLog = IdentityLog.builder()
        .serviceName(NAME)
        .hopLayer(HopLayer.BACKEND)
        .addSink(logs.general())
        .restrictedFields(logs.restricted())
        .build();
    this.grpc = GrpcIdentityLog.create(identityLog);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "inventory-timer");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the service on an ephemeral port.
   *
   * @param allowed the SPIFFE IDs of the workloads that may call it
   */
  static InventoryHop start(DemoPki pki, DemoLogs logs, Set<String> allowed) throws IOException {
    InventoryHop hop = new InventoryHop(pki, logs, allowed);
    hop.listen(0);
    return hop;
  }

  private void listen(int wanted) throws IOException {
    SslContext tls = GrpcSslContexts.configure(
            io.netty.handler.ssl.SslContextBuilder.forServer(svid.privateKey(), svid.chain()),
            SslProvider.JDK)
        .trustManager(pki.ca())
        .clientAuth(ClientAuth.REQUIRE)
        .build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(CHECK_STOCK, ServerCalls.asyncUnaryCall(this::checkStock))
        .build();
    IOException last = null;
    // Restarting on the port just released can race with the old socket's teardown.
    for (int attempt = 0; attempt < 20; attempt++) {
      Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wanted))
          .sslContext(tls)
          .addService(ServerInterceptors.intercept(service, new Allowlist()))
          .intercept(grpc.newServerInterceptor()) // all services; runs before the allowlist
          .build();
      try {
        server = s.start();
        port = server.getPort();
        return;
      } catch (IOException e) {
        if (!(e.getCause() instanceof BindException) && !(e instanceof BindException)) {
          throw e;
        }
        last = e;
        sleep(100);
      }
    }
    throw last;
  }

  private void checkStock(String item, StreamObserver<String> response) {
    String answer = item + ": " + (Math.floorMod(item.hashCode(), 40) + 1) + " in stock";
    Duration d = delay;
    if (d.isZero()) {
      response.onNext(answer);
      response.onCompleted();
      return;
    }
    ServerCallStreamObserver<String> call = (ServerCallStreamObserver<String>) response;
    call.setOnCancelHandler(() -> { }); // a caller that gave up is no error of ours
    timer.schedule(() -> {
      if (!call.isCancelled()) {
        call.onNext(answer);
        call.onCompleted();
      }
    }, d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lets only listed workloads in; the decision goes into the call's identity record. */
  private final class Allowlist implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      RequestIdentity identity = RequestIdentity.current();
      String caller = callerSpiffeId(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      if (caller != null) {
        identity.authnSucceeded(); // the TLS layer verified the certificate against the CA
      }
      if (caller == null || !allowed.contains(caller)) {
        identity.authzFailed(Reason.POLICY_DENIED, POLICY);
        call.close(Status.PERMISSION_DENIED.withDescription(
            (caller == null ? "no workload identity" : caller) + " may not call " + SERVICE),
            new Metadata());
        return new ServerCall.Listener<Q>() { };
      }
      identity.authzSucceeded(POLICY);
      return next.startCall(call, headers);
    }
  }

  private static String callerSpiffeId(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate
          ? CertificateFacts.of((X509Certificate) chain[0]).spiffeId()
          : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** Answers every call only after this long from now on; {@link Duration#ZERO} to stop. */
  void delay(Duration delay) {
    this.delay = delay;
  }

  /** Stops the server; callers get connection failures until {@link #restart()}. */
  void stop() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the port it had. */
  void restart() throws IOException {
    listen(port);
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    stop();
    timer.shutdownNow();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The demo's messages are plain UTF-8 strings: no code generation needed. */
  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("unreadable message").withCause(e).asRuntimeException();
      }
    }
  }
}
