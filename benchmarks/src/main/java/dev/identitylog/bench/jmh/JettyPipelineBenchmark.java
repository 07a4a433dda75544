package dev.identitylog.bench.jmh;

import ch.qos.logback.classic.LoggerContext;
import dev.identitylog.IdentityLog;
import dev.identitylog.bench.CountingOutputStream;
import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Hello;
import dev.identitylog.bench.Logging;
import dev.identitylog.servlet.IdentityLogFilter;
import jakarta.servlet.DispatcherType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole request as Jetty 12 runs it, in process: the request's raw HTTP/1.1 bytes go through a
 * {@link LocalConnector} (Jetty's parser, its request and response objects, the servlet context's
 * filter chain, the response's generation), on one kept-alive connection, as the load harness's
 * server runs it, minus sockets. {@code noFilter} is the same server without a filter, so the
 * difference is what the filter costs against Jetty's real objects, which the stand-ins of {@link
 * PipelineBenchmark} leave out.
 *
 * <p>Events go to the same Logback pipeline as {@link PipelineBenchmark} (shipped encoder, a
 * counting stream). {@code -prof gc}'s bytes per operation count every thread of the process,
 * Jetty's own included, so read the filter's allocation as {@code identityLog} minus {@code
 * noFilter}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JettyPipelineBenchmark {
  private final CountingOutputStream out = new CountingOutputStream();
  private Jetty plain;
  private Jetty logged;
  private byte[] request;
  private long loggedCalls;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    LoggerContext logback = Logging.reset();
    Logging.identityEventsTo(logback, out);
    request = ("GET " + Fixtures.PATH + " HTTP/1.1\r\n"
        + "Host: localhost\r\n"
        + "Authorization: Bearer " + Fixtures.token() + "\r\n"
        + "traceparent: " + Fixtures.TRACEPARENT + "\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
    plain = new Jetty(null);
    logged = new Jetty(IdentityLogFilter.builder(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector()).build()).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    JettyCost.awaitLines(out, loggedCalls);
    plain.stop();
    logged.stop();
    Logging.reset();
  }

  @Benchmark
  public int noFilter() throws Exception {
    return plain.serve(request);
  }

  @Benchmark
  public int identityLog() throws Exception {
    loggedCalls++;
    return logged.serve(request);
  }

  /** Lines written so far, for the smoke test. */
  long linesWritten() {
    return out.lines();
  }

  CountingOutputStream out() {
    return out;
  }

  /** One Jetty server with a local connector and one kept-alive connection into it. */
  static final class Jetty {
    private final Server server = new Server();
    private final LocalConnector connector;
    private final LocalConnector.LocalEndPoint endPoint;

    Jetty(jakarta.servlet.Filter filter) throws Exception {
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendDateHeader(true);
      connector = new LocalConnector(server, new HttpConnectionFactory(http));
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      context.addServlet(new ServletHolder(new Hello()), "/*");
      if (filter != null) {
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
      }
      server.setHandler(context);
      server.start();
      endPoint = connector.connect();
    }

    /** Sends one request on the kept-alive connection and waits for its whole answer. */
    int serve(byte[] request) throws Exception {
      endPoint.addInputAndExecute(ByteBuffer.wrap(request));
      ByteBuffer response = endPoint.waitForResponse(false, 10, TimeUnit.SECONDS);
      if (response == null) {
        throw new IllegalStateException("no answer from Jetty");
      }
      // "HTTP/1.1 200": the status's digits
      int status = (response.get(9) - '0') * 100 + (response.get(10) - '0') * 10 + (response.get(11) - '0');
      if (status != 200) {
        throw new IllegalStateException("Jetty answered " + status);
      }
      return status;
    }

    void stop() throws Exception {
      server.stop();
    }
  }
}
