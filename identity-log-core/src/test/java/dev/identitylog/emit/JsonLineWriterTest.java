package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLineWriterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String quoted(String s) {
    StringBuilder sb = new StringBuilder();
    JsonLineWriter.appendString(sb, s);
    return sb.toString();
  }

  @Test
  void utf8LineMatchesTheTextLineAtTheEdges() {
    String allKinds =
        "a\"b\\c \u00e9 \u6771 \ud83d\udd11 \u2028 \u0085 \u007f \u0001 \ud800 x \udc00 \u07ff \u0800 \uffff";
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      big.append("\u6771\ud83d\udd11\"");
    }
    List<IdentityEvent> events = new ArrayList<>();
    events.add(
        IdentityEvent.builder()
            .set(Fields.TIMESTAMP, Instant.parse("-0001-12-31T23:59:59.999Z"))
            .set(Fields.TOKEN_ISSUED_AT, Instant.parse("+10000-01-01T00:00:00Z"))
            .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("1969-12-31T23:59:59.001Z"))
            .set(Fields.TOKEN_NOT_BEFORE, Instant.EPOCH)
            .set(Fields.EVENT_DURATION, Long.MIN_VALUE)
            .set(Fields.SERVER_PORT, Long.MAX_VALUE)
            .set(Fields.HTTP_RESPONSE_STATUS_CODE, -7L)
            .set(Fields.CLIENT_ATTEMPTS, 0L)
            .set(Fields.TOKEN_VERIFIED, false)
            .set(Fields.AUTHN_INFERRED, true)
            .set(Fields.URL_PATH, allKinds)
            .set(Fields.TOKEN_AUDIENCE, List.of(allKinds, "b"))
            .claim("t\u00e9nant", allKinds)
            .build());
    // Larger than the per-thread buffer: grows, and is written whole.
    events.add(IdentityEvent.builder(dev.identitylog.redact.Limits.of(20_000, 32, 16 * 1024))
        .set(Fields.URL_PATH, big.toString()).build());
    events.add(IdentityEvent.builder().build());
    for (IdentityEvent e : events) {
      assertThat(JsonLineWriter.toUtf8Line(e))
          .isEqualTo((JsonLineWriter.toJson(e) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void goldenLineWrittenByHand() {
    String expected =
        "{\"timestamp\":\"2026-11-28T09:00:00.123Z\",\"event.name\":\"identity.server\","
            + "\"identity.schema\":\"1.1\",\"service.name\":\"orders\","
            + "\"identity.hop.layer\":\"backend\","
            + "\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\","
            + "\"identity.trace.origin\":\"traceparent\",\"identity.request.id\":\"req-1\","
            + "\"http.request.method\":\"GET\",\"url.path\":\"/orders\","
            + "\"http.response.status_code\":403,\"event.duration\":1500000,"
            + "\"event.outcome\":\"failure\",\"error.type\":\"insufficient_scope\","
            + "\"identity.token.audience\":[\"orders\",\"billing\"],"
            + "\"identity.token.expires_at\":\"2026-11-28T10:00:00.000Z\","
            + "\"identity.token.verified\":true,\"identity.authn.outcome\":\"success\","
            + "\"identity.authz.outcome\":\"failure\",\"identity.authz.reason\":\"insufficient_scope\","
            + "\"identity.authz.inferred\":true,\"identity.token.claim.tenant\":\"acme\"}";
    assertThat(JsonLineWriter.toJson(TestEvents.denied())).isEqualTo(expected);
  }

  @Test
  void appendToWritesTheSameAsToJsonAfterExistingContent() {
    StringBuilder sb = new StringBuilder("prefix ");
    JsonLineWriter.appendTo(sb, TestEvents.full());
    assertThat(sb.toString()).isEqualTo("prefix " + JsonLineWriter.toJson(TestEvents.full()));
  }

  @Test
  void emptyEventIsAnEmptyObject() {
    assertThat(JsonLineWriter.toJson(IdentityEvent.builder().build())).isEqualTo("{}");
  }

  @Test
  void keysFollowCanonicalOrderAndClaimsComeLast() throws Exception {
    IdentityEvent event = TestEvents.full();
    JsonNode node = MAPPER.readTree(JsonLineWriter.toJson(event));
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);

    List<String> expected = new ArrayList<>();
    for (Field<?> f : Fields.ALL) {
      expected.add(f.key()); // full() sets every field
    }
    expected.add("identity.token.claim.tenant");
    assertThat(keys).containsExactlyElementsOf(expected);
  }

  @Test
  void valueTypesAreJsonTypes() throws Exception {
    JsonNode node = MAPPER.readTree(JsonLineWriter.toJson(TestEvents.full()));
    for (Field<?> f : Fields.ALL) {
      JsonNode v = node.get(f.key());
      switch (f.kind()) {
        case LONG:
          assertThat(v.isIntegralNumber()).as(f.key()).isTrue();
          break;
        case BOOLEAN:
          assertThat(v.isBoolean()).as(f.key()).isTrue();
          break;
        case STRINGS:
          assertThat(v.isArray()).as(f.key()).isTrue();
          v.forEach(item -> assertThat(item.isTextual()).as(f.key()).isTrue());
          break;
        default:
          assertThat(v.isTextual()).as(f.key()).isTrue();
      }
    }
  }

  @Test
  void longsAreWrittenAsPlainIntegers() throws Exception {
    for (long n : new long[] {0, 1, -1, 403, Long.MAX_VALUE, Long.MIN_VALUE}) {
      IdentityEvent e = IdentityEvent.builder().set(Fields.EVENT_DURATION, n).build();
      String line = JsonLineWriter.toJson(e);
      assertThat(line).isEqualTo("{\"event.duration\":" + n + "}");
      assertThat(MAPPER.readTree(line).get("event.duration").longValue()).isEqualTo(n);
    }
  }

  @Test
  void booleansAndArrays() {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.FORWARDED_UNTRUSTED, false)
            .set(Fields.TOKEN_SCOPES, List.of("a", "b \"c\"", "d\\e"))
            .set(Fields.TOKEN_VERIFIED, true)
            .build();
    assertThat(JsonLineWriter.toJson(e))
        .isEqualTo(
            "{\"identity.forwarded.untrusted\":false,"
                + "\"identity.token.scopes\":[\"a\",\"b \\\"c\\\"\",\"d\\\\e\"],"
                + "\"identity.token.verified\":true}");
  }

  @Test
  void timesHaveMillisecondsAndZ() {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.TIMESTAMP, Instant.parse("2026-01-02T03:04:05.006789Z"))
            .build();
    assertThat(JsonLineWriter.toJson(e)).isEqualTo("{\"timestamp\":\"2026-01-02T03:04:05.006Z\"}");
  }

  @Test
  void everyC0ControlCharacterIsEscapedAsUnicode() {
    for (char c = 0; c < 0x20; c++) {
      String expected = String.format("\"a\\u%04Xb\"", (int) c);
      assertThat(quoted("a" + c + "b")).as("U+%04X", (int) c).isEqualTo(expected);
    }
  }

  @Test
  void delAndC1ControlCharactersAreEscaped() {
    for (char c = 0x7f; c <= 0x9f; c++) {
      assertThat(quoted(String.valueOf(c))).isEqualTo(String.format("\"\\u%04X\"", (int) c));
    }
  }

  @Test
  void lineAndParagraphSeparatorsAreEscaped() {
    assertThat(quoted("x\u2028y\u2029z")).isEqualTo("\"x\\u2028y\\u2029z\"");
  }

  @Test
  void quotesAndBackslashesUseShortEscapes() {
    assertThat(quoted("say \"hi\" \\o/")).isEqualTo("\"say \\\"hi\\\" \\\\o/\"");
  }

  @Test
  void slashAndOtherPrintableAsciiAreLeftAlone() {
    StringBuilder ascii = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      if (c != '"' && c != '\\') {
        ascii.append(c);
      }
    }
    assertThat(quoted(ascii.toString())).isEqualTo("\"" + ascii + "\"");
  }

  @Test
  void nonAsciiTextIsWrittenAsIs() {
    String s = "Zoë 東京 \u00a0 \ud83d\udd11 \ufffd";
    assertThat(quoted(s)).isEqualTo("\"" + s + "\"");
  }

  @Test
  void loneSurrogatesAreEscapedSoTheLineIsValidUtf8() {
    assertThat(quoted("a\ud800b")).isEqualTo("\"a\\uD800b\"");
    assertThat(quoted("a\udc00")).isEqualTo("\"a\\uDC00\"");
    assertThat(quoted("\ud800")).isEqualTo("\"\\uD800\"");
    assertThat(quoted("\udc00\ud800")).isEqualTo("\"\\uDC00\\uD800\"");
  }

  @Test
  void escapedStringsParseBackToTheOriginal() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\ud83d\udd11 end");
    String json = quoted(all.toString());
    assertThat(json).doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085");
    assertThat(MAPPER.readTree(json).textValue()).isEqualTo(all.toString());
  }

  @Test
  void eventValuesCannotBreakTheLine() throws Exception {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.EVENT_NAME, EventName.SERVER)
            .set(Fields.URL_PATH, "/a\nb\r\nc\u2028d\u0085e\u0000f\"g\\")
            .set(Fields.TOKEN_AUDIENCE, List.of("x\ny"))
            .claim("note", "line1\nline2")
            .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
            .build();
    String line = JsonLineWriter.toJson(e);
    assertThat(line.chars().filter(c -> c < 0x20 || c == 0x85 || c == 0x2028 || c == 0x2029))
        .isEmpty();
    JsonNode node = MAPPER.readTree(line);
    assertThat(node.get("url.path").textValue()).isEqualTo(e.get(Fields.URL_PATH));
    assertThat(node.get("identity.token.claim.note").textValue())
        .isEqualTo(e.claims().get("identity.token.claim.note"));
  }

  @Test
  void reusedBufferDoesNotLeakContentBetweenCalls() {
    StringBuilder big = new StringBuilder();
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      big.setLength(0);
      for (int j = 0; j < 500; j++) {
        big.append((char) ('a' + (i + j) % 26));
      }
      many.add(big.toString());
    }
    IdentityEvent huge =
        IdentityEvent.builder()
            .set(Fields.TOKEN_AUDIENCE, many)
            .set(Fields.TOKEN_SCOPES, many)
            .build();
    String hugeLine = JsonLineWriter.toJson(huge);
    assertThat(hugeLine.length()).isGreaterThan(JsonLineWriter.MAX_CACHED_CAPACITY);

    assertThat(JsonLineWriter.toJson(TestEvents.denied()))
        .isEqualTo(JsonLineWriter.toJson(TestEvents.denied()))
        .startsWith("{\"timestamp\"")
        .endsWith("}");
    assertThat(JsonLineWriter.toJson(huge)).isEqualTo(hugeLine);
  }

  @Test
  void lineIsNeverTerminated() {
    assertThat(JsonLineWriter.toJson(TestEvents.full())).doesNotEndWith("\n");
  }

  @Test
  void appendStringsSkipsNulls() {
    StringBuilder sb = new StringBuilder();
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    withNull.add("a");
    withNull.add(null);
    withNull.add("b");
    JsonLineWriter.appendStrings(sb, withNull);
    assertThat(sb.toString()).isEqualTo("[\"a\",\"b\"]");
  }

  @Test
  void jacksonReadsEveryFieldBackUnchanged() throws Exception {
    IdentityEvent e = TestEvents.full();
    JsonNode node = MAPPER.readTree(JsonLineWriter.toJson(e));
    assertThat(node.get("identity.token.scopes").get(1).textValue()).isEqualTo("payments:read");
    assertThat(node.get("server.port").longValue()).isEqualTo(8443L);
    assertThat(node.get("tls.client.not_after").textValue()).isEqualTo("2027-01-01T00:00:00.000Z");
    Iterator<String> names = node.fieldNames();
    int count = 0;
    while (names.hasNext()) {
      names.next();
      count++;
    }
    assertThat(count).isEqualTo(Fields.count() + 1);
  }

  @Test
  void loneHighSurrogateValueIsNotAnEmptyString() {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.URL_PATH, "\ud800")
            .set(Fields.TOKEN_AUDIENCE, List.of("\ud800"))
            .build();
    assertThat(JsonLineWriter.toJson(e)).doesNotContain("\"\"");
  }
}
