package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class MetadataKeysTest {
  private final MetadataKeys keys = new MetadataKeys("X-Request-ID");

  @Test
  void headerNamesAreLookedUpCaseInsensitively() {
    Metadata m = Calls.metadata("x-request-id", "r-1", "traceparent", "tp");
    assertThat(keys.joined(m, "X-Request-ID")).isEqualTo("r-1");
    assertThat(keys.joined(m, "x-request-id")).isEqualTo("r-1");
    assertThat(keys.joined(m, "TraceParent")).isEqualTo("tp");
    assertThat(keys.joined(m, "tracestate")).isNull();
  }

  @Test
  void everyValueIsReadJoinedAsForHttpHeaderLines() {
    // The first alone would let a caller's own entry shadow the one a trusted proxy appended.
    Metadata m = Calls.metadata("x-forwarded-for", "6.6.6.6", "x-forwarded-for", "203.0.113.7");
    assertThat(keys.joined(m, "X-Forwarded-For")).isEqualTo("6.6.6.6,203.0.113.7");
    Metadata two = Calls.metadata("authorization", "Bearer first", "authorization", "Bearer second");
    assertThat(keys.joined(two, "Authorization")).isEqualTo("Bearer first,Bearer second");
  }

  @Test
  void keysAreMadeOnce() {
    assertThat(keys.get("Client-Cert")).isSameAs(keys.get("Client-Cert"));
    assertThat(keys.get("Client-Cert").name()).isEqualTo("client-cert");
  }

  @Test
  void namesMetadataCannotCarryAsTextAreNoHeaders() {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1});
    assertThat(keys.get("trace-bin")).isNull();
    assertThat(keys.joined(m, "trace-bin")).isNull();
    assertThat(keys.get(":authority")).isNull();
    assertThat(keys.get("not a name")).isNull();
    assertThat(keys.get(null)).isNull();
  }
}
