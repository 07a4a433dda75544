package dev.identitylog.otelit;

import dev.identitylog.IdentityLog;
import dev.identitylog.grpc.GrpcIdentityLog;
import dev.identitylog.okhttp.IdentityLogOkHttp;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.instrumentation.okhttp.v3_0.OkHttpTelemetry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A small application as users run it, over HTTPS and TLS on loopback: a front service (Jetty 12
 * behind {@code IdentityLogFilter}) whose {@code /http} calls a back service (Jetty, the same
 * filter) through {@code IdentityLogOkHttp}, and whose {@code /grpc} calls a gRPC service (Netty,
 * the server interceptor) through the client interceptor.
 *
 * <p>OpenTelemetry comes from outside: nothing ({@link Instrumentation#NONE}), the Java agent
 * attached to the JVM ({@link Instrumentation#AGENT}: the code adds nothing), or the OkHttp and
 * gRPC library instrumentations plus a hand-made SERVER span per servlet request ({@link
 * Instrumentation#LIBRARY}), wired in the order the module READMEs document.
 */
final class TwoServiceApp implements AutoCloseable {
  enum Instrumentation {
    NONE,
    LIBRARY,
    AGENT
  }

  static final TestPki CA = TestPki.create("CN=otel-it Root,O=identity-log");
  static final Credential SERVER = CA.issue(TestPki.server("localhost"));

  static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("identitylog.it.Echo", "Unary"))
          .setRequestMarshaller(Utf8.INSTANCE)
          .setResponseMarshaller(Utf8.INSTANCE)
          .build();

  private final List<org.eclipse.jetty.server.Server> jettys = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Server grpcBack;
  private final int backPort;
  private final int frontPort;

  /**
   * @param frontLog the front service's identity log (with or without {@code openTelemetry(..)})
   * @param backLog the back and gRPC services' identity log
   * @param otel for {@link Instrumentation#LIBRARY}: the SDK the instrumentations report to
   */
  TwoServiceApp(Instrumentation mode, IdentityLog frontLog, IdentityLog backLog, OpenTelemetry otel)
      throws Exception {
    ServerInterceptor ours = GrpcIdentityLog.create(backLog).newServerInterceptor();
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("identitylog.it.Echo")
            .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext("ok");
              out.onCompleted();
            }))
            .build();
    // ServerInterceptors.intercept calls the last one first: OpenTelemetry's SERVER span is
    // current when ours runs.
    ServerServiceDefinition served = mode == Instrumentation.LIBRARY
        ? ServerInterceptors.intercept(echo, ours,
            GrpcTelemetry.create(otel).createServerInterceptor())
        : ServerInterceptors.intercept(echo, ours);
    grpcBack =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(serverTls())
            .addService(served)
            .build()
            .start();

    backPort = startJetty(mode, otel, backLog, new BackServlet());

    OkHttpClient base =
        new OkHttpClient.Builder()
            .sslSocketFactory(CA.trustOnlySslContext().getSocketFactory(), CA.trustManager())
            .build();
    IdentityLogOkHttp okHttp = IdentityLogOkHttp.create(frontLog);
    Call.Factory calls = mode == Instrumentation.LIBRARY
        ? OkHttpTelemetry.create(otel).createCallFactory(okHttp.newClient(base))
        : okHttp.newCallFactory(base);

    ClientInterceptor ourClient = GrpcIdentityLog.create(frontLog).newClientInterceptor();
    NettyChannelBuilder channelBuilder =
        NettyChannelBuilder.forAddress("localhost", grpcBack.getPort())
            .sslContext(clientTls())
            .intercept(ourClient);
    if (mode == Instrumentation.LIBRARY) {
      // Added after ours, so called before it: its traceparent is on the metadata ours reads.
      channelBuilder.intercept(GrpcTelemetry.create(otel).createClientInterceptor());
    }
    ManagedChannel channel = channelBuilder.build();
    channels.add(channel);
    frontPort = startJetty(mode, otel, frontLog, new FrontServlet(calls, channel, backPort));
  }

  int frontPort() {
    return frontPort;
  }

  /**
   * Calls the front service as an outside client would (plain HttpsURLConnection), with the given
   * request id and, unless null, traceparent. Returns the status.
   */
  int call(String path, String requestId, String traceparent) throws IOException {
    URL url = new URL("https://localhost:" + frontPort + path);
    HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
    c.setSSLSocketFactory(clientSsl().getSocketFactory());
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    c.setRequestProperty("X-Request-ID", requestId);
    if (traceparent != null) {
      c.setRequestProperty("traceparent", traceparent);
    }
    try {
      int status = c.getResponseCode();
      InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
      if (in != null) {
        in.readAllBytes();
        in.close();
      }
      return status;
    } finally {
      c.disconnect();
    }
  }

  private static SSLContext clientSsl() {
    return CA.trustOnlySslContext();
  }

  private int startJetty(Instrumentation mode, OpenTelemetry otel, IdentityLog log, HttpServlet servlet)
      throws Exception {
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(SERVER.serverSslContext());
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(jetty, ssl, new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    if (mode == Instrumentation.LIBRARY) {
      addFilter(context, new ServerSpanFilter(otel));
    }
    addFilter(context, IdentityLogFilter.builder(log).build());
    context.addServlet(new ServletHolder(servlet), "/*");
    jetty.setHandler(context);
    jetty.setStopTimeout(0);
    jetty.start();
    jettys.add(jetty);
    return connector.getLocalPort();
  }

  private static void addFilter(ServletContextHandler context, Filter filter) {
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  private static SslContext serverTls() throws IOException {
    SslContextBuilder b =
        SslContextBuilder.forServer(SERVER.privateKey(), SERVER.chain().toArray(new X509Certificate[0]));
    return GrpcSslContexts.configure(b, SslProvider.JDK).build();
  }

  private static SslContext clientTls() throws IOException {
    SslContextBuilder b = SslContextBuilder.forClient().trustManager(CA.trustManager());
    return GrpcSslContexts.configure(b, SslProvider.JDK).build();
  }

  @Override
  public void close() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    grpcBack.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (org.eclipse.jetty.server.Server j : jettys) {
      j.stop();
    }
  }

  /** {@code /http}: one OkHttp call to the back service; {@code /grpc}: one gRPC call. */
  private static final class FrontServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Call.Factory calls;
    private final transient ManagedChannel channel;
    private final int backPort;

    FrontServlet(Call.Factory calls, ManagedChannel channel, int backPort) {
      this.calls = calls;
      this.channel = channel;
      this.backPort = backPort;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String answer;
      if (req.getRequestURI().equals("/http")) {
        Request call = new Request.Builder().url("https://localhost:" + backPort + "/ok").build();
        try (Response r = calls.newCall(call).execute()) {
          answer = "back " + r.code();
        }
      } else if (req.getRequestURI().equals("/grpc")) {
        answer = "grpc " + ClientCalls.blockingUnaryCall(
            channel, UNARY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello");
      } else {
        resp.setStatus(HttpURLConnection.HTTP_NOT_FOUND);
        return;
      }
      resp.setStatus(200);
      resp.getWriter().write(answer);
    }
  }

  private static final class BackServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setStatus(200);
      resp.getWriter().write("ok");
    }
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
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
        throw new UncheckedIOException(e);
      }
    }
  }
}
