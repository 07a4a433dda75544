package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Certificate facts of layer lines, normalised on read and used as evidence. */
class LayerCertificatesTest {
  private static final String T1 = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String HASH =
      "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
  private static final String OTHER_HASH =
      "F0E1D2C3B4A5968778695A4B3C2D1E0FF0E1D2C3B4A5968778695A4B3C2D1E0F";

  /** An Envoy access-log line as docs/layers/envoy writes it: lowercase hex, BN_bn2hex serial. */
  private static String envoy(String extra) {
    return "{\"timestamp\":\"2026-12-06T09:00:00.190Z\",\"event.name\":\"identity.server\","
        + "\"service.name\":\"edge-envoy\",\"identity.hop.layer\":\"proxy\","
        + "\"trace.id\":\"" + T1 + "\",\"span.id\":\"b7ad6b7169203331\","
        + "\"identity.request.id\":\"r-cert\",\"http.response.status_code\":\"401\","
        + "\"event.duration\":\"180000000\",\"envoy.upstream_cluster\":\"orders\","
        + "\"tls.client.hash.sha256\":\"" + HASH.toLowerCase() + "\","
        + "\"tls.client.x509.serial_number\":\"0a1b\","
        + "\"tls.client.subject\":\"/C=US/O=Acme/CN=alice\"" + extra + "}";
  }

  private static String orders(String hash, String serial) {
    return "{\"timestamp\":\"2026-12-06T09:00:00.170Z\",\"event.name\":\"identity.server\","
        + "\"identity.schema\":\"1.1\",\"service.name\":\"orders\","
        + "\"identity.hop.layer\":\"backend\",\"trace.id\":\"" + T1 + "\","
        + "\"span.id\":\"1f2e3d4c5b6a7980\",\"span.parent.id\":\"b7ad6b7169203331\","
        + "\"identity.request.id\":\"r-cert\",\"http.response.status_code\":401,"
        + "\"event.duration\":140000000,\"identity.authn.outcome\":\"failure\","
        + "\"identity.authn.reason\":\"binding_mismatch\""
        + (hash == null ? "" : ",\"tls.client.hash.sha256\":\"" + hash + "\"")
        + (serial == null ? "" : ",\"tls.client.x509.serial_number\":\"" + serial + "\"")
        + ",\"tls.client.subject\":\"CN=alice,O=Acme,C=US\"}";
  }

  @Test
  void envoyCertificateFactsAreNormalisedOnRead() {
    CorrelationEvent e = CorrelationEvent.parse(envoy(""));
    CorrelationEvent java = CorrelationEvent.parse(orders(HASH, "A1B"));

    assertThat(e.certHash).isEqualTo(HASH).isEqualTo(java.certHash);
    assertThat(e.certSerial).isEqualTo("A1B").isEqualTo(java.certSerial);
    assertThat(e.certSubject).isEqualTo("CN=alice,O=Acme,C=US").isEqualTo(java.certSubject);
  }

  @Test
  void valuesThatAreNotWhatTheFieldHoldsAreDropped() {
    CorrelationEvent e = CorrelationEvent.parse("{\"event.name\":\"identity.server\","
        + "\"service.name\":\"x\",\"trace.id\":\"" + T1 + "\","
        + "\"tls.client.hash.sha256\":\"abc\",\"tls.client.x509.serial_number\":\"zz\"}");
    CorrelationEvent colons = CorrelationEvent.parse("{\"event.name\":\"identity.server\","
        + "\"service.name\":\"x\",\"trace.id\":\"" + T1 + "\","
        + "\"tls.client.x509.serial_number\":\"00:0a:1b\"}");

    assertThat(e.certHash).isNull();
    assertThat(e.certSerial).isNull();
    assertThat(colons.certSerial).isEqualTo("A1B");
  }

  @Test
  void theEdgesCertificateIsEvidenceWhenItIsTheOneTheBackendSaw() {
    RequestVerdict v = Run.of(List.of(envoy(""), orders(HASH, "A1B"))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("orders");
    assertThat(v.evidence())
        .contains("client certificate 0A1B2C3D…, the one edge-envoy saw");
  }

  @Test
  void anotherCertificateAtTheBackendIsNamed() {
    RequestVerdict v = Run.of(List.of(envoy(""), orders(OTHER_HASH, "77"))).only();

    assertThat(v.evidence())
        .contains("client certificate F0E1D2C3…, not the one edge-envoy saw (0A1B2C3D…)");
  }

  @Test
  void noCertificateAtTheBackendIsNamed() {
    RequestVerdict v = Run.of(List.of(envoy(""), orders(null, null))).only();

    assertThat(v.evidence()).contains("edge-envoy saw client certificate 0A1B2C3D…, orders "
        + "logged none");
  }
}
