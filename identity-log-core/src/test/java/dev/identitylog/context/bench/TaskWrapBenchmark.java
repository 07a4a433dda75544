package dev.identitylog.context.bench;

import dev.identitylog.IdentityLog;
import dev.identitylog.context.RequestContext;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What carrying a request onto another thread costs per task: {@code bare} binds a request and
 * hands a task over unwrapped, then runs it; {@code wrapped} does the same through {@link
 * RequestContext#wrap(Runnable)}, so the task runs with the record, the OpenTelemetry context and
 * the MDC ids bound and restored (the worker side runs on the same thread here, after the request
 * scope closed, as on a pool thread). The difference is the wrapper's cost. Not run by the build:
 * {@code scripts/jmh identity-log-core TaskWrapBenchmark -prof gc}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TaskWrapBenchmark {
  private ServerRecord record;
  private Runnable task;

  @Setup
  public void setup(Blackhole blackhole) {
    IdentityLog log = IdentityLog.builder().addSink(new CollectingSink()).build();
    record = ServerHandler.create(log).start(
        (HttpServerRequest) new HttpServerRequest() {
          @Override
          public String header(String name) {
            return null;
          }

          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String path() {
            return "/";
          }
        });
    task = () -> blackhole.consume(RequestContext.current());
  }

  @Benchmark
  public void bare() {
    Runnable handedOver;
    try (Scope ignored = record.makeCurrent()) {
      handedOver = task;
    }
    handedOver.run();
  }

  @Benchmark
  public void wrapped() {
    Runnable handedOver;
    try (Scope ignored = record.makeCurrent()) {
      handedOver = RequestContext.wrap(task);
    }
    handedOver.run();
  }
}
