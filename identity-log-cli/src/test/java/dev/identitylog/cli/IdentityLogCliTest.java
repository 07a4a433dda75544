package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.IdentityEvent;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class IdentityLogCliTest {
  @Test
  void versionNamesBuildAndSchema() {
    Cli r = Cli.run("--version");
    assertThat(r.code).isZero();
    assertThat(r.out).matches("identity-log \\d+\\.\\d+\\.\\d+\\S* \\(identity event schema 1\\.1\\)\n");
    assertThat(r.err).isEmpty();
  }

  @Test
  void helpListsLint() {
    Cli r = Cli.run("--help");
    assertThat(r.code).isZero();
    assertThat(r.out).contains("lint");
  }

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run();
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log: Missing command: one of inspect-cert, inspect-token, inspect-header, correlate, lint (see --help)\n");
  }

  @Test
  void unknownCommandOrOptionIsAUsageError() {
    for (String[] args : List.of(new String[] {"frobnicate"}, new String[] {"--nope"}, new String[] {"lint", "--nope", "x"})) {
      Cli r = Cli.run(args);
      assertThat(r.code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.out).isEmpty();
      assertThat(r.err.split("\n", -1)).as(r.err).hasSize(2); // one line and its newline
    }
  }

  /** A command as the other subcommands will be written: the shared option and output. */
  @Command(name = "demo")
  static final class Demo implements Callable<Integer> {
    @CommandLine.ParentCommand IdentityLogCli root;
    @Mixin FormatOption format;

    @Option(names = "--fail")
    String fail;

    @Override
    public Integer call() {
      Output out = format.open(root.out);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", "a");
      row.put("count", 1L);
      out.object(row);
      out.event(Events.client());
      if ("usage".equals(fail)) {
        throw new CliException("cannot read x: no such file");
      }
      if ("bug".equals(fail)) {
        throw new IllegalStateException("boom\nsecond line");
      }
      out.finish();
      return 0;
    }
  }

  private static Cli runDemo(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter pout = new PrintWriter(out);
    PrintWriter perr = new PrintWriter(err);
    CommandLine cl = IdentityLogCli.commandLine(new ByteArrayInputStream(new byte[0]), pout, perr);
    cl.addSubcommand("demo", new Demo());
    int code = cl.execute(args);
    pout.flush();
    perr.flush();
    return new Cli(code, out.toString(), err.toString());
  }

  @Test
  void formatDefaultsToJsonLines() {
    Cli r = runDemo("demo");
    assertThat(r.code).isZero();
    assertThat(r.out)
        .isEqualTo("{\"name\":\"a\",\"count\":1}\n" + JsonLineWriter.toJson(Events.client()) + "\n");
  }

  @Test
  void formatTableIsCaseInsensitive() {
    Cli r = runDemo("demo", "--format", "TABLE");
    assertThat(r.code).isZero();
    String[] lines = r.out.split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("name  count  timestamp ");
    assertThat(lines[1]).startsWith("a     1      -         ");
    assertThat(lines[2]).startsWith("-     -      2026-11-28T09:00:00.123Z  ");
  }

  @Test
  void unknownFormatIsAUsageError() {
    Cli r = runDemo("demo", "--format", "xml");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("identity-log demo: invalid value for option --format (expected json|table)").endsWith("(see --help)\n");
    assertThat(r.err.split("\n")).hasSize(1);
  }

  @Test
  void cliExceptionIsExitTwoWithItsMessage() {
    Cli r = runDemo("demo", "--fail", "usage");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).isEqualTo("identity-log demo: cannot read x: no such file\n");
  }

  @Test
  void anyOtherExceptionIsExitTwoWithOneLine() {
    Cli r = runDemo("demo", "--fail", "bug");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err)
        .isEqualTo("identity-log demo: internal error: java.lang.IllegalStateException: boom second line\n");
  }

  @Test
  void heldOutputIsDroppedOnExitTwoAndReleasedOtherwise() throws Exception {
    StringWriter target = new StringWriter();
    HoldingWriter held = new HoldingWriter(target);
    PrintWriter out = new PrintWriter(held);
    out.print("partial");
    out.flush();
    assertThat(target.toString()).isEmpty();
    held.discard();
    out.print("more");
    out.flush();
    assertThat(target.toString()).isEmpty();

    StringWriter target2 = new StringWriter();
    HoldingWriter held2 = new HoldingWriter(target2);
    held2.append("done\n");
    held2.release();
    assertThat(target2.toString()).isEqualTo("done\n");
  }

  @Test
  void holdingPassesThroughBeyondItsLimit() throws Exception {
    StringWriter target = new StringWriter();
    HoldingWriter held = new HoldingWriter(target);
    char[] chunk = new char[1024 * 1024];
    java.util.Arrays.fill(chunk, 'x');
    for (int i = 0; i < 9; i++) {
      held.write(chunk);
    }
    assertThat(target.getBuffer().length()).isEqualTo(9 * chunk.length);
  }

  @Test
  void jsonOutputWritesNestedValuesAndSkipsNulls() {
    Map<String, Object> hop = new LinkedHashMap<>();
    hop.put("service", "edge");
    hop.put("status", 401L);
    hop.put("gone", null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trace.id", "4bf92f3577b34da6a3ce929d0e0e4736");
    m.put("hops", List.of(hop, Map.of("service", "api")));
    m.put("at", Instant.parse("2026-11-28T09:00:00Z"));
    m.put("outcome", dev.identitylog.outcome.Outcome.NOT_APPLICABLE);
    m.put("ok", false);
    m.put("ratio", 0.5);
    m.put("text", "line\nbreak \"q\"");
    m.put("skip", null);
    m.put("event", IdentityEvent.builder().set(dev.identitylog.event.Fields.SERVER_PORT, 443L).build());
    assertThat(JsonOutput.line(m))
        .isEqualTo(
            "{\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"hops\":[{\"service\":\"edge\",\"status\":401},{\"service\":\"api\"}],"
                + "\"at\":\"2026-11-28T09:00:00.000Z\",\"outcome\":\"not_applicable\",\"ok\":false,"
                + "\"ratio\":0.5,\"text\":\"line\\u000Abreak \\\"q\\\"\",\"event\":{\"server.port\":443}}");
  }

  @Test
  void tableAlignsColumnsAndMarksAbsentValues() {
    StringWriter sw = new StringWriter();
    PrintWriter pw = new PrintWriter(sw);
    TableOutput t = new TableOutput(pw);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("trace.id", "abc");
    a.put("verdict", "authz_failure");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("trace.id", "defghij");
    b.put("hops", List.of("edge", "api"));
    b.put("note", "tab\there");
    t.object(a);
    t.object(b);
    t.finish();
    assertThat(sw.toString())
        .isEqualTo(
            "trace.id  verdict        hops      note\n"
                + "abc       authz_failure  -         -\n"
                + "defghij   -              edge,api  tab\ufffdhere\n");
  }
}
