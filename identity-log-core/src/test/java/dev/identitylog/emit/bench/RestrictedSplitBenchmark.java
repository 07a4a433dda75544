package dev.identitylog.emit.bench;

import dev.identitylog.emit.EventSinks;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.redact.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What the restricted split costs per event, next to writing the event's JSON line: a server
 * event with an mTLS certificate (subject, issuer, two SANs), a token (issuer, subject, client id,
 * one actor) and one claim, that is nine pseudonyms; and an event with no restricted value, which
 * is passed on as it is.
 *
 * <p>Not run by the build. Run from the IDE, or after {@code mvn test-compile} with the test class
 * path: {@code java -cp ... dev.identitylog.emit.bench.RestrictedSplitBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RestrictedSplitBenchmark {
  private RestrictedFields restricted;
  private IdentityEvent withParties;
  private IdentityEvent withoutParties;
  private final Limits limits = Limits.defaults();

  @Setup
  public void setUp() {
    restricted = RestrictedFields.toSink(EventSinks.noop())
        .pseudonymKey("benchmark-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
        .build();
    withoutParties = IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.HOP_LAYER, HopLayer.BACKEND)
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "9f1c0e4e-6a7b-4d2a-9c1e-3f5a7b9d1e2f")
        .set(Fields.HTTP_REQUEST_METHOD, "GET")
        .set(Fields.URL_PATH, "/orders/42")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 200L)
        .set(Fields.EVENT_DURATION, 1_234_567L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
        .set(Fields.TLS_CLIENT_HASH_SHA256, "A".repeat(64))
        .set(Fields.CERT_SOURCE, CertSource.TLS)
        .set(Fields.TOKEN_TYPE, TokenType.JWT)
        .set(Fields.TOKEN_HASH, "0123456789abcdef0123456789abcdef")
        .build();
    withParties = withoutParties.toBuilder()
        .set(Fields.CLIENT_ADDRESS, "203.0.113.9")
        .set(Fields.TLS_CLIENT_SUBJECT, "CN=alice,OU=customers,O=Example Corp")
        .set(Fields.TLS_CLIENT_ISSUER, "CN=Example Issuing CA 2,O=Example Corp")
        .set(Fields.TLS_CLIENT_ALTERNATIVE_NAMES,
            List.of("alice.example.org", "urn:example:customer:alice"))
        .set(Fields.TOKEN_ISSUER, "https://issuer.example.org")
        .set(Fields.TOKEN_SUBJECT, "alice")
        .set(Fields.TOKEN_CLIENT_ID, "web")
        .set(Fields.TOKEN_ACTOR_CHAIN, List.of("spiffe://example.org/ns/edge/sa/gateway"))
        .claim("tenant", "acme")
        .build();
  }

  @Benchmark
  public String jsonLine() {
    return JsonLineWriter.toJson(withParties);
  }

  @Benchmark
  public IdentityEvent generalView() {
    return restricted.generalView(withParties, limits);
  }

  @Benchmark
  public IdentityEvent restrictedView() {
    return restricted.restrictedView(withParties, limits);
  }

  @Benchmark
  public IdentityEvent generalViewWithoutParties() {
    return restricted.generalView(withoutParties, limits);
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder()
        .include(RestrictedSplitBenchmark.class.getSimpleName())
        .build()).run();
  }
}
