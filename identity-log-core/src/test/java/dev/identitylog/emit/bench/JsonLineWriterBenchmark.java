package dev.identitylog.emit.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Coded;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The canonical JSON line of a typical server event (about 30 fields), written by {@link
 * JsonLineWriter} and, side by side, by Jackson's {@code ObjectMapper} from a {@code Map} holding
 * the same keys and values. {@code jacksonFromEvent} adds the cost of building that map per event,
 * which is what an emitter based on Jackson would pay.
 *
 * <p>Not run by the build. Run from the IDE, or after {@code mvn test-compile} with the test class
 * path: {@code java -cp ... dev.identitylog.emit.bench.JsonLineWriterBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsonLineWriterBenchmark {
  private final ObjectMapper mapper = new ObjectMapper();
  private IdentityEvent event;
  private IdentityEvent small;
  private IdentityEvent longValues;
  private Map<String, Object> map;

  @Setup
  public void setUp() {
    event =
        IdentityEvent.builder()
            .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
            .set(Fields.EVENT_NAME, EventName.SERVER)
            .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
            .set(Fields.SERVICE_NAME, "orders")
            .set(Fields.HOP_LAYER, HopLayer.BACKEND)
            .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
            .set(Fields.SPAN_ID, "00f067aa0ba902b7")
            .set(Fields.SPAN_PARENT_ID, "b7ad6b7169203331")
            .set(Fields.TRACE_ORIGIN, TraceOrigin.TRACEPARENT)
            .set(Fields.REQUEST_ID, "9f1c0e4e-6a7b-4d2a-9c1e-3f5a7b9d1e2f")
            .set(Fields.HTTP_REQUEST_METHOD, "GET")
            .set(Fields.URL_PATH, "/v1/orders/12345")
            .set(Fields.HTTP_ROUTE, "/v1/orders/{id}")
            .set(Fields.HTTP_RESPONSE_STATUS_CODE, 200L)
            .set(Fields.NETWORK_PEER_ADDRESS, "10.0.0.7")
            .set(Fields.CLIENT_ADDRESS, "203.0.113.9")
            .set(Fields.EVENT_DURATION, 1_234_567L)
            .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
            .set(Fields.TLS_CLIENT_SUBJECT, "CN=gateway,OU=edge,O=Example Corp,C=DE")
            .set(Fields.TLS_CLIENT_HASH_SHA256, "0123456789ABCDEF".repeat(4))
            .set(Fields.TLS_CLIENT_NOT_AFTER, Instant.parse("2027-01-01T00:00:00Z"))
            .set(Fields.CERT_SOURCE, CertSource.XFCC)
            .set(Fields.TOKEN_TYPE, TokenType.JWT)
            .set(Fields.TOKEN_HASH, "0123456789abcdef0123456789abcdef")
            .set(Fields.TOKEN_ISSUER, "https://issuer.example.org/realms/prod")
            .set(Fields.TOKEN_SUBJECT, "f47ac10b-58cc-4372-a567-0e02b2c3d479")
            .set(Fields.TOKEN_AUDIENCE, List.of("orders", "billing"))
            .set(Fields.TOKEN_SCOPES, List.of("orders:read", "orders:write", "profile"))
            .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("2026-11-28T09:55:00Z"))
            .set(Fields.TOKEN_VERIFIED, true)
            .set(Fields.AUTHN_OUTCOME, Outcome.SUCCESS)
            .set(Fields.AUTHZ_OUTCOME, Outcome.SUCCESS)
            .build();
    map = toMap(event);
    // The first 8 fields only: how the line's cost grows with the number of fields.
    small = IdentityEvent.builder().build().toBuilder()
        .set(Fields.TIMESTAMP, event.get(Fields.TIMESTAMP))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "9f1c0e4e-6a7b-4d2a-9c1e-3f5a7b9d1e2f")
        .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
        .build();
    // The same fields with every free-text value eight times longer: growth with value size.
    longValues = event.toBuilder()
        .set(Fields.URL_PATH, "/v1/orders/12345".repeat(8))
        .set(Fields.TLS_CLIENT_SUBJECT, "CN=gateway,OU=edge,O=Example Corp,C=DE".repeat(8))
        .set(Fields.TOKEN_ISSUER, "https://issuer.example.org/realms/prod".repeat(8))
        .set(Fields.TOKEN_SUBJECT, "f47ac10b-58cc-4372-a567-0e02b2c3d479".repeat(8))
        .build();
  }

  private static Map<String, Object> toMap(IdentityEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    e.forEach(
        new IdentityEvent.FieldVisitor() {
          @Override
          public void visit(Field<?> field, Object value) {
            Object plain = value;
            if (value instanceof Instant) {
              plain = Timestamps.format((Instant) value);
            } else if (value instanceof Coded) {
              plain = ((Coded) value).code();
            }
            m.put(field.key(), plain);
          }

          @Override
          public void visitClaim(String key, String value) {
            m.put(key, value);
          }
        });
    return m;
  }

  @Benchmark
  public String jsonLineWriter() {
    return JsonLineWriter.toJson(event);
  }

  /** What the encoder did before: the text line, then its UTF-8 bytes. */
  @Benchmark
  public byte[] textLineThenUtf8() {
    return (JsonLineWriter.toJson(event) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** What the encoder does now for events of the SLF4J sink. */
  @Benchmark
  public byte[] utf8Line() {
    return JsonLineWriter.toUtf8Line(event);
  }

  @Benchmark
  public byte[] utf8LineEightFields() {
    return JsonLineWriter.toUtf8Line(small);
  }

  @Benchmark
  public byte[] utf8LineLongValues() {
    return JsonLineWriter.toUtf8Line(longValues);
  }

  @Benchmark
  public String jacksonMap() throws JsonProcessingException {
    return mapper.writeValueAsString(map);
  }

  @Benchmark
  public String jacksonFromEvent() throws JsonProcessingException {
    return mapper.writeValueAsString(toMap(event));
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(
            new OptionsBuilder().include(JsonLineWriterBenchmark.class.getSimpleName()).build())
        .run();
  }
}
