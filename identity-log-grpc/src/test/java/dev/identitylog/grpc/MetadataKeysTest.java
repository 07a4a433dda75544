package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class MetadataKeysTest {
  private final MetadataKeys keys = new MetadataKeys("X-Request-ID");

  @Test
  void headerNamesAreLookedUpCaseInsensitively() {
    Metadata m = Calls.metadata("x-request-id", "r-1", "traceparent", "tp");
    assertThat(keys.first(m, "X-Request-ID")).isEqualTo("r-1");
    assertThat(keys.first(m, "x-request-id")).isEqualTo("r-1");
    assertThat(keys.first(m, "TraceParent")).isEqualTo("tp");
    assertThat(keys.first(m, "tracestate")).isNull();
  }

  @Test
  void theFirstValueWinsAsForHttpHeaders() {
    Metadata m = Calls.metadata("authorization", "Bearer first", "authorization", "Bearer second");
    assertThat(keys.first(m, "Authorization")).isEqualTo("Bearer first");
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
    assertThat(keys.first(m, "trace-bin")).isNull();
    assertThat(keys.get(":authority")).isNull();
    assertThat(keys.get("not a name")).isNull();
    assertThat(keys.get(null)).isNull();
  }
}
