package dev.identitylog.correlate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamTest {
  @TempDir Path dir;

  @Test
  void gzipIsDetectedByItsMagicBytesNotItsName() throws IOException {
    Req r = Req.fourHops(1, Req.T0);
    Path file = dir.resolve("events.log"); // no .gz suffix on purpose
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", r.json()) + "\n").getBytes(UTF_8));
    }
    assertThat(Files.readAllBytes(file)[0]).isEqualTo((byte) 0x1f);

    List<RequestVerdict> verdicts = correlate(EventStream.of(file), Correlator.DEFAULT_WINDOW);

    assertThat(verdicts).hasSize(1);
    assertThat(verdicts.get(0).hops()).hasSize(6);
    assertThat(verdicts.get(0).toJson()).isEqualTo(Run.of(r.json()).only().toJson());
  }

  @Test
  void filesOfEachHopAreMergedByTime() throws IOException {
    // 200 requests two seconds apart: 400 s of events, far longer than the 30 s window.
    Map<String, List<Line>> byService = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      for (Line l : Req.fourHops(1000 + i, Req.T0.plusSeconds(2L * i)).lines) {
        byService.computeIfAbsent(l.service(), k -> new ArrayList<>()).add(l);
      }
    }
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, List<Line>> e : byService.entrySet()) {
      List<Line> lines = e.getValue();
      lines.sort(Comparator.comparing(l -> Instant.parse((String) l.get("timestamp"))));
      Path file = dir.resolve(e.getKey() + (e.getKey().equals("backend") ? ".log.gz" : ".log"));
      try (OutputStream raw = Files.newOutputStream(file);
          OutputStream out = e.getKey().equals("backend") ? new GZIPOutputStream(raw) : raw) {
        for (Line l : lines) {
          out.write((l.json() + "\n").getBytes(UTF_8));
        }
      }
      files.add(file);
    }

    List<RequestVerdict> merged =
        correlate(EventStream.of(files.toArray(new Path[0])), Correlator.DEFAULT_WINDOW);

    assertThat(merged).hasSize(200);
    assertThat(merged).allSatisfy(v -> {
      assertThat(v.hops()).hasSize(6);
      assertThat(v.verdict()).isEqualTo(Verdict.OK);
    });

    // The same files read one after the other split requests apart: the merge is what joins them.
    List<RequestVerdict> sequential = new ArrayList<>();
    Correlator c = Correlator.builder().onVerdict(sequential::add).build();
    for (Path f : files) {
      try (EventStream s = EventStream.of(f)) {
        for (CorrelationEvent e; (e = s.next()) != null; ) {
          c.accept(e);
        }
      }
    }
    c.finish();
    assertThat(sequential.size()).isGreaterThan(200);
  }

  @Test
  void eventsComeOutInTimeOrderWithinTheReorderBuffer() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      lines.add(new Req(i, Req.T0.plusSeconds(i)).server("s", "backend", 0, 1).json());
    }
    List<Instant> times = new ArrayList<>();
    try (EventStream s = EventStream.builder()
        .add("r", new StringReader(String.join("\n", lines))).reorderBuffer(16).build()) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        times.add(e.timestamp());
      }
    }
    assertThat(times).hasSize(10).isSorted();

    List<Instant> unbuffered = new ArrayList<>();
    try (EventStream s = EventStream.builder()
        .add("r", new StringReader(String.join("\n", lines))).reorderBuffer(1).build()) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        unbuffered.add(e.timestamp());
      }
    }
    assertThat(unbuffered).isNotEqualTo(times);
  }

  @Test
  void malformedLinesAreSkippedAndCounted() throws IOException {
    Req r = Req.fourHops(2, Req.T0);
    List<String> lines = new ArrayList<>(r.json());
    lines.add(2, "not json at all");
    lines.add(3, "[1,2,3]");
    lines.add(4, "42");
    lines.add(0, "{\"a\":");
    lines.add(1, "{\"a\":1} trailing");
    lines.add("{}");
    lines.add("{\"event.name\":\"http.access\",\"service.name\":\"x\",\"trace.id\":\"ab\"}");
    lines.add("");
    lines.add("   ");
    lines.add("\u0000\u0001\u0002");

    Run run = Run.of(lines);

    assertThat(run.only().hops()).hasSize(6);
    assertThat(run.stream.malformedLines()).isEqualTo(6);
    assertThat(run.stream.otherLines()).isEqualTo(2);
    assertThat(run.stream.events()).isEqualTo(6);
    assertThat(run.stream.lines()).isEqualTo(lines.size());
  }

  @Test
  void tooLongLinesAreSkippedWhole() throws IOException {
    Req r = Req.fourHops(3, Req.T0);
    StringBuilder huge = new StringBuilder("{\"x\":\"");
    while (huge.length() < 5000) {
      huge.append("0123456789");
    }
    huge.append("\"}");
    String text = r.json().get(0) + "\n" + huge + "\n" + String.join("\n", r.json().subList(1, 6));
    List<RequestVerdict> fromBytes = correlate(
        EventStream.builder().maxLineLength(1024)
            .add("bytes", new ByteArrayInputStream(text.getBytes(UTF_8))).build(),
        Correlator.DEFAULT_WINDOW);
    List<RequestVerdict> fromChars = correlate(
        EventStream.builder().maxLineLength(1024).add("chars", new StringReader(text)).build(),
        Correlator.DEFAULT_WINDOW);

    assertThat(fromBytes).hasSize(1);
    assertThat(fromBytes.get(0).hops()).hasSize(6);
    assertThat(fromChars.get(0).toJson()).isEqualTo(fromBytes.get(0).toJson());
  }

  @Test
  void crlfAndAByteOrderMarkAreTolerated() throws IOException {
    Req r = Req.fourHops(4, Req.T0);
    byte[] text = ("\uFEFF" + String.join("\r\n", r.json())).getBytes(UTF_8);

    List<RequestVerdict> v = correlate(
        EventStream.builder().add("in", new ByteArrayInputStream(text)).build(),
        Correlator.DEFAULT_WINDOW);

    assertThat(v).hasSize(1);
    assertThat(v.get(0).hops()).hasSize(6);
  }

  @Test
  void aMissingFileFailsAtBuild() {
    assertThatThrownBy(() -> EventStream.of(dir.resolve("nope.log")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aCorruptGzipStreamIsAnIoErrorNamingTheInput() throws IOException {
    Path file = dir.resolve("broken.gz");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 200; i++) {
        out.write((Req.fourHops(i, Req.T0).json().get(0) + "\n").getBytes(UTF_8));
      }
    }
    byte[] full = bytes.toByteArray();
    Files.write(file, java.util.Arrays.copyOf(full, full.length / 2));

    assertThatThrownBy(() -> correlate(EventStream.of(file), Duration.ofSeconds(30)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken.gz");
  }

  static List<RequestVerdict> correlate(EventStream stream, Duration window) throws IOException {
    List<RequestVerdict> out = new ArrayList<>();
    Correlator c = Correlator.builder().window(window).onVerdict(out::add).build();
    try (EventStream s = stream) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        c.accept(e);
      }
    }
    c.finish();
    return out;
  }
}
