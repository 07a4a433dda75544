package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reusable line buffer that the identity-event appenders own. */
class Utf8LineTest {
  @Test
  void writesTheSameBytesAsTheEncoderPathAndReusesItsBuffer() throws Exception {
    Utf8Line line = new Utf8Line();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<IdentityEvent> events = List.of(TestEvents.denied(), TestEvents.ok(), TestEvents.full());
    for (IdentityEvent e : events) {
      line.write(e);
    }
    int grown = line.capacity(); // grown once to the largest line's worst case, under 16 KiB
    for (IdentityEvent e : events) {
      int n = line.write(e);
      line.writeTo(out);
      byte[] canonical = (JsonLineWriter.toJson(e) + "\n").getBytes(StandardCharsets.UTF_8);
      assertThat(n).isEqualTo(canonical.length);
      assertThat(JsonLineWriter.toUtf8Line(e)).isEqualTo(canonical);
      expected.write(canonical);
    }
    assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(line.capacity()).isEqualTo(grown).isLessThanOrEqualTo(16 * 1024); // kept, not regrown
  }

  @Test
  void aLinePastSixteenKibIsWrittenWholeAndItsBufferNotKept() throws Exception {
    String path = "/" + "\u00e9x".repeat(20_000);
    IdentityEvent huge = TestEvents.ok().toBuilder(Limits.of(100_000, 16, 8192))
        .set(Fields.URL_PATH, path)
        .build();
    Utf8Line line = new Utf8Line();
    int initial = line.capacity();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = line.write(huge);
    assertThat(n).isGreaterThan(16 * 1024);
    assertThat(line.capacity()).isGreaterThan(16 * 1024);
    line.writeTo(out);
    assertThat(out.toByteArray())
        .isEqualTo((JsonLineWriter.toJson(huge) + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(line.capacity()).isEqualTo(initial);
    out.reset();
    line.write(TestEvents.ok());
    line.writeTo(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(JsonLineWriter.toJson(TestEvents.ok()) + "\n");
  }
}
