package dev.identitylog.bench.load;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import dev.identitylog.IdentityLog;
import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Hello;
import dev.identitylog.bench.Logging;
import dev.identitylog.emit.OpenTelemetryEventSink;
import dev.identitylog.servlet.IdentityLogFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.zalando.logbook.Logbook;
import org.zalando.logbook.core.DefaultHttpLogWriter;
import org.zalando.logbook.core.DefaultSink;
import org.zalando.logbook.json.JsonHttpLogFormatter;
import org.zalando.logbook.servlet.LogbookFilter;

/**
 * One Jetty 12 server in one configuration, run in its own JVM by the load harness. Prints {@code
 * READY <port>} when it listens; on {@code stats} it prints {@code STATS allocated=<bytes>
 * served=<n> jit_ms=<n>}; on {@code stop} (or end of input) it stops, flushes its log files
 * and prints {@code STOPPED served=<n> dropped=<n>}, followed for {@code identity-log-otel} by
 * {@code received=<n> exported=<n>} (records the OpenTelemetry SDK received and exported).
 *
 * <pre>
 * BenchServer CONFIGURATION WORK_DIR [KEYSTORE.p12 TRUSTSTORE.p12]
 * </pre>
 *
 * Events go to {@code WORK_DIR/events.jsonl}, other lines to {@code WORK_DIR/server.log}.
 */
public final class BenchServer {
  private final Configuration configuration;
  private final Hello hello = new Hello();
  private final Server server = new Server();
  private IdentityLog identityLog;
  private OtelPipeline otel;
  private ServerConnector connector;

  BenchServer(Configuration configuration) {
    this.configuration = configuration;
  }

  public static void main(String[] args) throws Exception {
    Configuration configuration = Configuration.of(args[0]);
    Path work = Path.of(args[1]);
    // Before any Jetty class logs: Logback's default would print DEBUG lines on stdout.
    LoggerContext logback = configureLogging(configuration, work);
    BenchServer s = new BenchServer(configuration);
    int port = s.start(args.length > 3 ? Path.of(args[2]) : null, args.length > 3 ? Path.of(args[3]) : null);
    System.out.println("READY " + port);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
      if (line.equals("stats")) {
        System.out.println(stats(s.served()));
        System.out.flush();
      }
    }
    s.stop();
    logback.stop();
    System.out.println("STOPPED served=" + s.served() + " dropped=" + s.dropped() + s.exportCounts());
    System.out.flush();
  }

  /**
   * What the process has done so far, in counts that a busy machine does not inflate: bytes
   * allocated by all threads, requests served, and milliseconds spent compiling (JIT).
   */
  static String stats(long served) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long jit = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    return "STATS allocated=" + threads.getTotalThreadAllocatedBytes() + " served=" + served
        + " jit_ms=" + jit;
  }

  static LoggerContext configureLogging(Configuration configuration, Path work) {
    LoggerContext context = Logging.reset();
    Logging.loggerToFile(context, org.slf4j.Logger.ROOT_LOGGER_NAME, Level.WARN,
        work.resolve("server.log"), Logging.messageOnly(context));
    Path events = work.resolve("events.jsonl");
    switch (configuration) {
      case IDENTITY_LOG:
      case IDENTITY_LOG_ASYNC:
      case IDENTITY_LOG_MTLS:
        Logging.identityEventsToFile(context, events);
        break;
      case DIY:
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        Logging.loggerToFile(context, DiyFilter.LOGGER, Level.INFO, events, json);
        break;
      case LOGBOOK:
        Logging.loggerToFile(context, Logbook.class.getName(), Level.TRACE, events,
            Logging.messageOnly(context));
        break;
      default:
        break;
    }
    return context;
  }

  /** Starts listening on loopback; returns the port. */
  int start(Path keyStore, Path trustStore) throws Exception {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    if (configuration.mtls()) {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(keyStore.toString());
      tls.setKeyStoreType("PKCS12");
      tls.setKeyStorePassword(dev.identitylog.testing.TestPki.PASSWORD);
      tls.setTrustStorePath(trustStore.toString());
      tls.setTrustStoreType("PKCS12");
      tls.setTrustStorePassword(dev.identitylog.testing.TestPki.PASSWORD);
      tls.setNeedClientAuth(true);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      connector = new ServerConnector(
          server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost("127.0.0.1");
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(hello), "/*");
    Filter filter = filter();
    if (filter != null) {
      context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }

  private Filter filter() {
    switch (configuration) {
      case NOOP_FILTER:
        return (req, res, chain) -> chain.doFilter(req, res);
      case IDENTITY_LOG:
      case IDENTITY_LOG_MTLS:
        identityLog = IdentityLog.builder()
            .serviceName("orders").tokenInspector(Fixtures.tokenInspector()).build();
        return IdentityLogFilter.builder(identityLog).build();
      case IDENTITY_LOG_ASYNC:
        identityLog = IdentityLog.builder()
            .serviceName("orders").tokenInspector(Fixtures.tokenInspector())
            .emitAsynchronously(8192).build();
        return IdentityLogFilter.builder(identityLog).build();
      case IDENTITY_LOG_OTEL:
        // As PipelineBenchmark's openTelemetry row: the OpenTelemetry sink alone, no SLF4J line.
        otel = new OtelPipeline();
        identityLog = IdentityLog.builder()
            .serviceName("orders").tokenInspector(Fixtures.tokenInspector())
            .addSink(OpenTelemetryEventSink.create(otel.sdk())).build();
        return IdentityLogFilter.builder(identityLog).build();
      case DIY:
        return new DiyFilter();
      case LOGBOOK:
        return new LogbookFilter(Logbook.builder()
            .sink(new DefaultSink(new JsonHttpLogFormatter(), new DefaultHttpLogWriter()))
            .build());
      default:
        return null;
    }
  }

  void stop() throws Exception {
    server.stop();
    if (configuration == Configuration.IDENTITY_LOG_ASYNC) {
      // The emitter thread may still hold queued events: the asynchronous sink's close() writes
      // them (waiting a bounded time) before Logback is flushed; without one, give it a second.
      if (identityLog.sink() instanceof AutoCloseable) {
        ((AutoCloseable) identityLog.sink()).close();
      } else {
        Thread.sleep(1000);
      }
    }
    if (otel != null) {
      otel.shutdown();
    }
  }

  /** {@code " received=<n> exported=<n>"} for the OpenTelemetry configuration, else empty. */
  String exportCounts() {
    return otel == null ? "" : " received=" + otel.received() + " exported=" + otel.exported();
  }

  /** Records the OpenTelemetry SDK exported (0 for the other configurations). */
  long exported() {
    return otel == null ? 0 : otel.exported();
  }

  long served() {
    return hello.served();
  }

  long dropped() {
    return identityLog == null ? 0 : identityLog.droppedEvents();
  }
}
