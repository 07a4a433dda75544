package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.EventName;
import dev.identitylog.event.HopLayer;
import dev.identitylog.outcome.Outcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventParserTest {
  private static CorrelationEvent parse(String json) {
    return CorrelationEvent.parse(json);
  }

  @Test
  void theStandardKeys() {
    CorrelationEvent e = parse("{\"timestamp\":\"2026-11-28T09:00:00.250Z\","
        + "\"event.name\":\"identity.client\",\"service.name\":\"gateway\","
        + "\"identity.hop.layer\":\"gateway\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
        + "\"span.id\":\"00f067aa0ba902b7\",\"span.parent.id\":\"a3ce929d0e0e4736\","
        + "\"identity.request.id\":\"r-1\",\"http.response.status_code\":503,"
        + "\"event.duration\":250000000,\"identity.dependency.outcome\":\"failure\","
        + "\"identity.dependency.reason\":\"upstream_unavailable\",\"identity.client.attempts\":3}");
    assertThat(e.eventName()).isEqualTo(EventName.CLIENT);
    assertThat(e.service()).isEqualTo("gateway");
    assertThat(e.layer()).isEqualTo(HopLayer.GATEWAY);
    assertThat(e.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(e.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(e.parentSpanId()).isEqualTo("a3ce929d0e0e4736");
    assertThat(e.requestId()).isEqualTo("r-1");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-28T09:00:00.250Z"));
    assertThat(e.start()).isEqualTo(Instant.parse("2026-11-28T09:00:00Z").toEpochMilli());
    assertThat(e.httpStatus).isEqualTo(503);
    assertThat(e.dependency).isEqualTo(Outcome.FAILURE);
    assertThat(e.attempts).isEqualTo(3);
  }

  @Test
  void whatProxiesWrite() {
    CorrelationEvent e = parse("{\"@timestamp\":1795856400.5,\"service.name\":\"nginx\","
        + "\"identity.hop.layer\":\"PROXY\",\"trace.id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\","
        + "\"identity.request.id\":\"r-2\",\"http.response.status_code\":\"401\","
        + "\"event.duration\":\"0.120\",\"identity.authn.outcome\":\"403\","
        + "\"span.parent.id\":\"-\",\"identity.token.hash\":\"\",\"rpc.grpc.status_code\":16}");
    assertThat(e.eventName()).isEqualTo(EventName.SERVER);
    assertThat(e.layer()).isEqualTo(HopLayer.PROXY);
    assertThat(e.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-28T09:00:00.500Z"));
    assertThat(e.httpStatus).isEqualTo(401);
    assertThat(e.durationNanos).isEqualTo(120_000_000L);
    assertThat(e.authn).isEqualTo(Outcome.FAILURE);
    assertThat(e.parentSpanId()).isNull();
    assertThat(e.tokenHash).isNull();
    assertThat(e.grpcStatus).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void nestedObjectsAreReadAsDottedKeys() {
    CorrelationEvent e = parse("{\"service\":{\"name\":\"envoy\"},\"identity\":{\"hop\":"
        + "{\"layer\":\"mesh\"},\"request\":{\"id\":\"r-3\"}},\"http\":{\"response\":"
        + "{\"status_code\":200}}}");
    assertThat(e.service()).isEqualTo("envoy");
    assertThat(e.layer()).isEqualTo(HopLayer.MESH);
    assertThat(e.requestId()).isEqualTo("r-3");
    assertThat(e.httpStatus).isEqualTo(200);
  }

  @Test
  void traceIdsOfOtherFormatsBecomeTheStandardOne() {
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":\"1-5759e988-bd862e3fe1be46a994272793\"}")
        .traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":"
        + "\"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1\"}")
        .traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":\"a3ce929d0e0e4736\"}").traceId())
        .isEqualTo("0000000000000000a3ce929d0e0e4736");
    CorrelationEvent tp = parse("{\"service.name\":\"a\",\"traceparent\":"
        + "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}");
    assertThat(tp.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(tp.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":\"00000000000000000000000000000000\","
        + "\"identity.request.id\":\"r\"}").traceId()).isNull();
  }

  @Test
  void aTokenHashThatIsNotHexIsDropped() {
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
        + "\"identity.token.hash\":\"eyJhbGciOiJIUzI1NiJ9.e30.x\"}").tokenHash).isNull();
    assertThat(parse("{\"service.name\":\"a\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
        + "\"identity.token.hash\":\"A1B2C3D4E5F60718293A4B5C6D7E8F90\"}").tokenHash)
        .isEqualTo("a1b2c3d4e5f60718293a4b5c6d7e8f90");
  }

  @Test
  void whatIsNotAnEvent() {
    EventParser p = new EventParser();
    char[] notJson = "hello".toCharArray();
    assertThat(p.parse(notJson, 0, notJson.length)).isNull();
    assertThat(p.status).isEqualTo(EventParser.MALFORMED);
    char[] array = "[{\"service.name\":\"a\"}]".toCharArray();
    assertThat(p.parse(array, 0, array.length)).isNull();
    assertThat(p.status).isEqualTo(EventParser.NOT_OBJECT);
    char[] noService = "{\"trace.id\":\"ab\"}".toCharArray();
    assertThat(p.parse(noService, 0, noService.length)).isNull();
    assertThat(p.status).isEqualTo(EventParser.NOT_EVENT);
    char[] noIds = "{\"service.name\":\"a\"}".toCharArray();
    assertThat(p.parse(noIds, 0, noIds.length)).isNull();
    assertThat(p.status).isEqualTo(EventParser.NOT_EVENT);
    char[] blank = "  \t".toCharArray();
    assertThat(p.parse(blank, 0, blank.length)).isNull();
    assertThat(p.status).isEqualTo(EventParser.BLANK);
    assertThat(CorrelationEvent.parse(null)).isNull();
  }
}
