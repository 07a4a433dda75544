package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The command line on access logs of Cloudflare, Envoy and API Gateway mixed with a Java hop's
 * events: the fixture of identity-log-correlate (its README cites each product's documentation),
 * four requests, each one story with one verdict.
 */
class CorrelateLayersTest {
  private static final Path MIXED =
      Path.of("..", "identity-log-correlate", "src", "test", "resources", "layers", "mixed.jsonl");

  @Test
  void oneVerdictPerRequestThroughEveryLayer() throws IOException {
    assertThat(Files.isRegularFile(MIXED)).as(MIXED.toAbsolutePath().toString()).isTrue();

    Cli r = Cli.run("correlate", MIXED.toString());

    assertThat(r.code).as(r.toString()).isZero();
    String[] lines = r.out.split("\n");
    assertThat(lines).hasSize(4);
    ObjectMapper mapper = new ObjectMapper();
    Map<String, JsonNode> byHop = new HashMap<>();
    for (String line : lines) {
      JsonNode v = mapper.readTree(line);
      byHop.put(v.path("verdict").asText() + "@" + v.path("verdict.hop").asText(), v);
    }
    assertThat(byHop).containsOnlyKeys("dependency_failure@orders", "authn_failure@edge-envoy",
        "authn_failure@cloudflare", "authn_failure@api-gateway");

    JsonNode backend = byHop.get("dependency_failure@orders");
    assertThat(backend.path("verdict.reason").asText()).isEqualTo("connect_failure");
    assertThat(backend.path("hops")).hasSize(4);
    assertThat(backend.path("hops").get(0).path("service").asText()).isEqualTo("cloudflare");
    assertThat(backend.path("hops").get(3).path("service").asText()).isEqualTo("orders");
    assertThat(byHop.get("authn_failure@edge-envoy").path("verdict.reason").asText())
        .isEqualTo("token_expired");
    assertThat(byHop.get("authn_failure@cloudflare").path("verdict.reason").asText())
        .isEqualTo("cert_untrusted");
    assertThat(byHop.get("authn_failure@api-gateway").path("verdict.evidence").asText())
        .contains("UNAUTHORIZED");
  }
}
