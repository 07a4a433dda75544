package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.RequestIdentity;
import dev.identitylog.correlate.MessageFate.Fate;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.ServerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Generated stories through a queue: one request sends a record that 1 to 3 groups process, each
 * in 1 to 3 deliveries (retries flagged, or not: another process), with at most one fault, lines
 * duplicated and in any order. The verdict, hop and reason are the fault's; every group is listed
 * with its deliveries.
 */
class MessageStoryPropertiesTest {
  enum Fault { NONE, REFUSED, POISON, SEND_REFUSED, RETRIED_THEN_OK }

  @Property(tries = 60)
  void everyMessageStoryGetsItsFaultsVerdict(
      @ForAll @IntRange(min = 1, max = 3) int groups,
      @ForAll @IntRange(min = 1, max = 3) int deliveries,
      @ForAll Fault fault,
      @ForAll @IntRange(min = 0, max = 2) int faultyGroup,
      @ForAll boolean flagged,
      @ForAll Random random) {
    int faulty = faultyGroup % groups;
    MessageFlow f = new MessageFlow();
    ServerRecord r = f.request("checkout", "/orders");
    MessageFlow.Sent s = f.send("checkout", r, "orders.created");
    if (fault == Fault.SEND_REFUSED) {
      f.refused(s, MessageProducerResult.Status.NOT_AUTHORIZED);
    } else {
      f.acknowledged(s, "1", 9);
    }
    f.answer("checkout", r, fault == Fault.SEND_REFUSED ? 503 : 202);
    if (fault != Fault.SEND_REFUSED) {
      for (int g = 0; g < groups; g++) {
        String group = "group" + g;
        String service = "svc-" + g;
        boolean mine = g == faulty;
        for (int d = 0; d < deliveries; d++) {
          f.after(Duration.ofMillis(300));
          boolean last = d == deliveries - 1;
          Boolean redelivered = d > 0 && flagged ? Boolean.TRUE : null;
          f.deliver(service, group, s, redelivered, x -> {
            if (mine && fault == Fault.REFUSED) {
              RequestIdentity.current().authzFailed(Reason.INSUFFICIENT_SCOPE, "consume");
            } else if (mine && fault == Fault.POISON) {
              if (last) {
                f.acknowledged(f.send(service, x, "orders.created.DLT"), "1", 3);
              }
              throw new IllegalArgumentException("poison");
            } else if (mine && fault == Fault.RETRIED_THEN_OK && !last) {
              throw new IllegalStateException("busy");
            }
          });
        }
      }
    }
    List<String> lines = new ArrayList<>(f.lines());
    lines.add(lines.get(random.nextInt(lines.size()))); // a duplicate line counts once
    Collections.shuffle(lines, random);
    Correlator c = Correlator.builder().build();
    for (String line : lines) {
      c.accept(CorrelationEvent.parse(line));
    }
    c.finish();
    List<RequestVerdict> vs = c.drain();

    assertThat(vs).hasSize(1);
    RequestVerdict v = vs.get(0);
    assertThat(v.messages()).hasSize(1);
    MessageFate m = v.messages().get(0);
    switch (fault) {
      case SEND_REFUSED:
        assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
        assertThat(v.verdictHop()).isEqualTo("checkout");
        assertThat(v.verdictReason()).isEqualTo("upstream_forbidden");
        assertThat(m.fate()).isEqualTo(Fate.SEND_FAILED);
        return;
      case REFUSED:
        assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
        assertThat(v.verdictHop()).isEqualTo("svc-" + faulty);
        assertThat(v.verdictReason()).isEqualTo("insufficient_scope");
        assertThat(v.evidence()).contains("(group group" + faulty + ")", "orders.created",
            "partition 1", "offset 9");
        assertThat(m.fate()).isEqualTo(Fate.REFUSED);
        break;
      case POISON:
        assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(v.verdictHop()).isEqualTo("svc-" + faulty);
        assertThat(v.verdictReason()).isEqualTo("internal_error");
        assertThat(v.evidence()).contains("; dead-lettered to orders.created.DLT");
        assertThat(m.fate()).isEqualTo(Fate.DEAD_LETTERED);
        break;
      default:
        assertThat(v.verdict()).isEqualTo(Verdict.OK);
        assertThat(m.fate()).isEqualTo(Fate.PROCESSED);
    }
    assertThat(m.groups()).hasSize(groups);
    for (MessageFate.Group g : m.groups()) {
      assertThat(g.deliveries()).isEqualTo(deliveries);
      assertThat(g.redelivered() + g.unflaggedRedeliveries()).isEqualTo(deliveries - 1);
      assertThat(g.unflaggedRedeliveries()).isEqualTo(flagged ? 0 : deliveries - 1);
    }
  }
}
