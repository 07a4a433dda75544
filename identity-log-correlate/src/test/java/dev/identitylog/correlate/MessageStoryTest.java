package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitylog.RequestIdentity;
import dev.identitylog.correlate.MessageFate.Fate;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.ServerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One story through a queue: a request that sent a message, and every consumer group that
 * processed it. The events are the core's own ({@link MessageFlow}), as the Kafka adapters write
 * them.
 */
class MessageStoryTest {
  private final MessageFlow f = new MessageFlow();

  /** checkout answers 202 after sending one record to orders.created, partition 3, offset 42. */
  private MessageFlow.Sent order() {
    ServerRecord r = f.request("checkout", "/orders");
    MessageFlow.Sent s = f.send("checkout", r, "orders.created");
    f.acknowledged(s, "3", 42);
    f.answer("checkout", r, 202);
    return s;
  }

  @Test
  void fanOutToTwoGroupsIsOneStoryWithAHopPerGroup() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null, null);
    f.after(Duration.ofMillis(200));
    f.deliver("audit", "audit", s, null, null);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(kinds(v)).containsExactly(
        "checkout:server", "checkout:producer", "billing:consumer", "audit:consumer");
    assertThat(v.messages()).hasSize(1);
    MessageFate m = v.messages().get(0);
    assertThat(m.fate()).isEqualTo(Fate.PROCESSED);
    assertThat(m.producer()).isEqualTo("checkout");
    assertThat(m.topic()).isEqualTo("orders.created");
    assertThat(m.partition()).isEqualTo("3");
    assertThat(m.offset()).isEqualTo(42);
    assertThat(m.groups()).extracting(MessageFate.Group::group).containsExactly("billing", "audit");
    assertThat(m.groups()).allMatch(g -> g.fate() == Fate.PROCESSED && g.deliveries() == 1);
    assertThat(v.toJson()).contains("\"messages\":[{\"topic\":\"orders.created\",\"partition\":\"3\","
        + "\"offset\":42,\"producer\":\"checkout\",\"fate\":\"processed\",\"groups\":[{\"group\":"
        + "\"billing\",\"service\":\"billing\",\"deliveries\":1,\"fate\":\"processed\"}");
    assertThat(v.toJson()).contains("\"event\":\"consumer\"", "\"group\":\"audit\"",
        "\"event\":\"producer\"");
  }

  @Test
  void aGroupThatRefusedTheMessageIsTheRootCauseThoughTheRequestSucceeded() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(2));
    f.deliver("audit", "audit", s, null, null);
    f.deliver("billing-svc", "billing", s, null,
        r -> RequestIdentity.current().authzFailed(Reason.POLICY_DENIED, "billing:consume"));

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("billing-svc");
    assertThat(v.verdictReason()).isEqualTo("policy_denied");
    assertThat(v.evidence()).startsWith("billing-svc (group billing) refused the message checkout"
        + " sent to orders.created (partition 3, offset 42): policy denied");
    MessageFate m = v.messages().get(0);
    assertThat(m.fate()).isEqualTo(Fate.REFUSED);
    assertThat(m.groups()).extracting(MessageFate.Group::fate)
        .containsExactly(Fate.PROCESSED, Fate.REFUSED);
  }

  @Test
  void retriesInOneProcessAreDeliveriesOfOneGroupAndTheLastDecides() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null, r -> {
      throw new IllegalStateException("database busy");
    });
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, true, r -> {
      throw new IllegalStateException("database busy");
    });
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, true, null);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    MessageFate.Group g = v.messages().get(0).groups().get(0);
    assertThat(g.deliveries()).isEqualTo(3);
    assertThat(g.redelivered()).isEqualTo(2);
    assertThat(g.unflaggedRedeliveries()).isZero();
    assertThat(g.fate()).isEqualTo(Fate.PROCESSED);
    assertThat(v.toJson()).contains("\"deliveries\":3,\"redelivered\":2,\"fate\":\"processed\"");
  }

  @Test
  void aRedeliveryAcrossProcessesIsSeenOnlyHereAndReported() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    // The first consumer processed it, then crashed before committing the offset; the consumer
    // that took over the partition cannot know it was seen.
    f.deliver("billing", "billing", s, null, null);
    f.after(Duration.ofSeconds(20));
    f.deliver("billing", "billing", s, null, null);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    MessageFate.Group g = v.messages().get(0).groups().get(0);
    assertThat(g.deliveries()).isEqualTo(2);
    assertThat(g.unflaggedRedeliveries()).isEqualTo(1);
    assertThat(v.evidence()).contains("billing (group billing) processed the message checkout sent"
        + " to orders.created (partition 3, offset 42) after 2 deliveries (1 redelivery its"
        + " consumer did not flag: another consumer process took the record again");
  }

  @Test
  void aPoisonMessageDeadLetteredAfterFailingEveryDeliveryIsTheConsumersOwnFailure() {
    MessageFlow.Sent s = order();
    for (int i = 0; i < 3; i++) {
      f.after(Duration.ofSeconds(1));
      boolean last = i == 2;
      f.deliver("billing", "billing", s, i > 0 ? Boolean.TRUE : null, r -> {
        if (last) {
          f.acknowledged(f.send("billing", r, "orders.created-dlt"), "3", 7);
        }
        throw new IllegalArgumentException("cannot parse amount");
      });
    }

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(v.verdictHop()).isEqualTo("billing");
    assertThat(v.verdictReason()).isEqualTo("internal_error");
    assertThat(v.evidence()).isEqualTo("billing (group billing) failed processing the message"
        + " checkout sent to orders.created (partition 3, offset 42): internal error; failed on"
        + " all 3 deliveries; dead-lettered to orders.created-dlt");
    MessageFate m = v.messages().get(0);
    assertThat(v.messages()).hasSize(1); // the dead letter is the message's fate, not a message
    assertThat(m.fate()).isEqualTo(Fate.DEAD_LETTERED);
    assertThat(m.groups().get(0).deadLetterTopic()).isEqualTo("orders.created-dlt");
    assertThat(m.groups().get(0).reason()).isEqualTo("internal_error");
  }

  @Test
  void deadLetterTopicNamesAreConfigurable() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null, r -> {
      f.acknowledged(f.send("billing", r, "poison.orders.created"), "0", 1);
      throw new IllegalArgumentException("cannot parse amount");
    });

    RequestVerdict byDefault = Run.of(f.lines()).only();
    RequestVerdict configured =
        Run.of(f.lines(), b -> b.deadLetterTopics(List.of("poison.*"))).only();

    assertThat(byDefault.messages()).hasSize(2); // poison.orders.created is a topic like any
    assertThat(configured.messages()).hasSize(1);
    assertThat(configured.messages().get(0).fate()).isEqualTo(Fate.DEAD_LETTERED);
    assertThat(configured.messages().get(0).groups().get(0).deadLetterTopic())
        .isEqualTo("poison.orders.created");
  }

  @Test
  void aBrokerThatRefusedTheSendIsADependencyFailureOfTheSendingHop() {
    ServerRecord r = f.request("checkout", "/orders");
    MessageFlow.Sent s = f.send("checkout", r, "orders.created");
    f.refused(s, MessageProducerResult.Status.REFUSED);
    f.answer("checkout", r, 503);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("checkout");
    assertThat(v.verdictReason()).isEqualTo("upstream_error");
    assertThat(v.evidence())
        .startsWith("checkout's send to topic orders.created failed: the broker refused the record");
    assertThat(v.messages().get(0).fate()).isEqualTo(Fate.SEND_FAILED);
    assertThat(v.messages().get(0).sendReason()).isEqualTo("upstream_error");
  }

  @Test
  void aSendThatFailedAfterTheAnswerIsStillTheRootCause() {
    ServerRecord r = f.request("checkout", "/orders");
    MessageFlow.Sent s = f.send("checkout", r, "orders.created");
    f.answer("checkout", r, 202);
    f.after(Duration.ofSeconds(30));
    f.refused(s, MessageProducerResult.Status.TIMED_OUT);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("checkout");
    assertThat(v.verdictReason()).isEqualTo("timeout");
    assertThat(v.evidence()).contains("the broker did not acknowledge it in time");
  }

  @Test
  void aMessageNoGroupConsumedWithinTheMessageWindowIsReported() {
    order();
    // Event time moves on past the 5 minute message window: other requests, and no consumer.
    later(42);

    Run run = Run.of(f.lines());

    RequestVerdict v = run.verdicts.stream().filter(x -> !x.messages().isEmpty()).findFirst()
        .orElseThrow();
    assertThat(v.hops()).hasSize(2);
    // It waited for the message window, not past it: the later requests finished first.
    assertThat(run.verdicts.indexOf(v)).isPositive().isLessThan(run.verdicts.size() - 1);
    assertThat(v.verdict()).isEqualTo(Verdict.OK); // the request itself succeeded
    assertThat(v.messages().get(0).fate()).isEqualTo(Fate.NOT_CONSUMED);
    assertThat(v.evidence()).endsWith("; the message checkout sent to orders.created (partition 3,"
        + " offset 42) was not consumed by any group within the 5m message window");
    assertThat(v.toJson()).contains("\"fate\":\"not_consumed\"");
  }

  @Test
  void aConsumerMinutesLateStillJoinsWithinTheMessageWindow() {
    MessageFlow.Sent s = order();
    later(12); // two minutes: past the 30 s window, within the message window
    f.deliver("billing", "billing", s, null,
        r -> RequestIdentity.current().authzFailed(Reason.POLICY_DENIED, "billing:consume"));

    List<RequestVerdict> vs = Run.of(f.lines()).verdicts;

    RequestVerdict v = vs.stream().filter(x -> !x.messages().isEmpty()).findFirst().orElseThrow();
    assertThat(kinds(v)).containsExactly("checkout:server", "checkout:producer", "billing:consumer");
    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);

    // With a message window no longer than the window, the story closed without it.
    List<RequestVerdict> short_ = Run.of(f.lines(), b -> b.messageWindow(Duration.ofSeconds(30)))
        .verdicts;
    assertThat(short_.stream().filter(x -> x.verdict() == Verdict.AUTHZ_FAILURE))
        .singleElement()
        .satisfies(x -> assertThat(kinds(x)).containsExactly("billing:consumer"));
    assertThat(short_.stream().filter(x -> x.messages().size() == 1
        && x.messages().get(0).fate() == Fate.NOT_CONSUMED)).hasSize(1);
  }

  @Test
  void requestsWaitingForConsumersAreTheFirstFinishedEarlyAndSaySo() {
    order();
    later(3);

    Run run = Run.of(f.lines(), b -> b.maxInFlight(2));

    RequestVerdict sent = run.verdicts.stream().filter(x -> !x.messages().isEmpty()).findFirst()
        .orElseThrow();
    assertThat(run.correlator.finishedEarly()).isPositive();
    assertThat(sent.evidence()).contains("was not consumed by any group before it was finished"
        + " early");
  }

  @Test
  void aBatchConsumerJoinsTheStoryOfEveryRecordItProcessed() throws Exception {
    MessageFlow.Sent first = order();
    MessageFlow.Sent second = order();
    f.after(Duration.ofSeconds(1));
    IdentityEvent batch = f.deliver("billing", "billing", first, null, r -> {
      throw new IllegalStateException("batch insert failed");
    });
    // The batch listener processed both records: its event links both producer contexts.
    List<String> lines = new ArrayList<>(f.lines());
    String firstContext = batch.get(Fields.TRACE_ID) + "-" + batch.get(Fields.SPAN_PARENT_ID);
    String secondContext = traceparentContext(second);
    ObjectNode json = (ObjectNode) Line.MAPPER.readTree(lines.get(lines.size() - 1));
    json.putArray("identity.links").add(firstContext).add(secondContext);
    lines.set(lines.size() - 1, Line.MAPPER.writeValueAsString(json));

    List<RequestVerdict> vs = Run.of(lines).verdicts;

    assertThat(vs).hasSize(2);
    for (RequestVerdict v : vs) {
      assertThat(kinds(v)).containsExactly("checkout:server", "checkout:producer",
          "billing:consumer");
      assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
      assertThat(v.verdictHop()).isEqualTo("billing");
      assertThat(v.verdictReason()).isEqualTo("internal_error");
      assertThat(v.traceIds()).hasSize(1);
    }
    assertThat(vs).extracting(RequestVerdict::traceId).doesNotHaveDuplicates();
    assertThat(vs.get(0).toJson() + vs.get(1).toJson()).containsOnlyOnce("\"linked\":true");
  }

  @Test
  void aConsumerThatRejectedTheProducersIdentityIsAnAuthnFailureThere() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null,
        r -> RequestIdentity.current().authnFailed(Reason.IDENTITY_HEADER_UNTRUSTED));

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("billing");
    assertThat(v.verdictReason()).isEqualTo("identity_header_untrusted");
    assertThat(v.evidence()).startsWith("billing (group billing) rejected the credential of the"
        + " message checkout sent to orders.created (partition 3, offset 42)");
    assertThat(v.messages().get(0).groups().get(0).fate()).isEqualTo(Fate.REFUSED);
  }

  @Test
  void aCallTheConsumerMadeThatFailedIsTheDeeperCause() {
    MessageFlow.Sent s = order();
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null, r -> {
      f.callRefused("billing", r, "ledger");
      throw new IllegalStateException("ledger down");
    });

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("billing");
    assertThat(v.verdictReason()).isEqualTo("connect_failure");
    assertThat(v.evidence()).startsWith("billing could not connect to ledger")
        .contains("; while billing (group billing) processed the message checkout sent to"
            + " orders.created (partition 3, offset 42)");
    assertThat(v.messages().get(0).groups().get(0).fate()).isEqualTo(Fate.FAILED);
    assertThat(kinds(v)).containsExactly("checkout:server", "checkout:producer",
        "billing:consumer", "billing:client");
  }

  @Test
  void theStoryIsTheSameInAnyArrivalOrder() {
    MessageFlow.Sent s = order();
    for (int i = 0; i < 3; i++) {
      f.after(Duration.ofSeconds(1));
      boolean last = i == 2;
      f.deliver("billing", "billing", s, i > 0 ? Boolean.TRUE : null, r -> {
        if (last) {
          f.acknowledged(f.send("billing", r, "orders.created.DLT"), "3", 7);
        }
        throw new IllegalArgumentException("cannot parse amount");
      });
    }
    f.deliver("audit", "audit", s, null, null);
    String expected = Run.of(f.lines()).only().toJson();
    java.util.Random random = new java.util.Random(14);
    for (int round = 0; round < 20; round++) {
      List<String> lines = new ArrayList<>(f.lines());
      java.util.Collections.shuffle(lines, random);
      Correlator c = Correlator.builder().build();
      for (String line : lines) {
        c.accept(CorrelationEvent.parse(line));
      }
      c.finish();
      assertThat(c.drain()).singleElement()
          .satisfies(v -> assertThat(v.toJson()).isEqualTo(expected));
    }
  }

  @Test
  void springRetryTopicsAreLaterDeliveriesOfTheSameGroup() {
    MessageFlow.Sent s = order();
    MessageFlow.Sent[] next = new MessageFlow.Sent[1];
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", s, null, r -> {
      next[0] = f.send("billing", r, "orders.created-retry-0");
      f.acknowledged(next[0], "3", 5);
      throw new IllegalStateException("ledger busy");
    });
    f.after(Duration.ofSeconds(1));
    MessageFlow.Sent retry = next[0];
    f.deliver("billing", "billing", retry, null, r -> {
      next[0] = f.send("billing", r, "orders.created-retry-1");
      f.acknowledged(next[0], "3", 6);
      throw new IllegalStateException("ledger busy");
    });
    f.after(Duration.ofSeconds(1));
    f.deliver("billing", "billing", next[0], null, null);

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(v.messages()).singleElement().satisfies(m -> {
      assertThat(m.topic()).isEqualTo("orders.created");
      assertThat(m.fate()).isEqualTo(Fate.PROCESSED);
      assertThat(m.groups()).singleElement().satisfies(g -> {
        assertThat(g.deliveries()).isEqualTo(3);
        assertThat(g.unflaggedRedeliveries()).isZero();
      });
    });
  }

  @Test
  void aRecordThatFailedThroughEveryRetryTopicIsDeadLettered() {
    MessageFlow.Sent s = order();
    MessageFlow.Sent[] next = {s};
    String[] hops = {"orders.created-retry-0", "orders.created-retry-1", "orders.created-dlt"};
    for (String topic : hops) {
      f.after(Duration.ofSeconds(1));
      f.deliver("billing", "billing", next[0], null, r -> {
        next[0] = f.send("billing", r, topic);
        f.acknowledged(next[0], "3", 5);
        throw new IllegalStateException("cannot parse amount");
      });
    }

    RequestVerdict v = Run.of(f.lines()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(v.verdictReason()).isEqualTo("internal_error");
    assertThat(v.evidence()).isEqualTo("billing (group billing) failed processing the message"
        + " checkout sent to orders.created (partition 3, offset 42): internal error; failed on"
        + " all 3 deliveries; retried through orders.created-retry-0, orders.created-retry-1;"
        + " dead-lettered to orders.created-dlt");
    assertThat(v.messages()).singleElement()
        .satisfies(m -> assertThat(m.fate()).isEqualTo(Fate.DEAD_LETTERED));
  }

  @Test
  void eventsWithoutMessagesWriteNoMessagesKey() {
    ServerRecord r = f.request("checkout", "/orders");
    f.answer("checkout", r, 200);
    RequestVerdict v = Run.of(f.lines()).only();
    assertThat(v.messages()).isEmpty();
    assertThat(v.toJson()).doesNotContain("messages").contains("\"event\":\"server\"");
  }

  /** Other requests, one every 10 s of event time. */
  private void later(int requests) {
    for (int i = 0; i < requests; i++) {
      f.after(Duration.ofSeconds(10));
      f.answer("gateway", f.request("gateway", "/other"), 200);
    }
  }

  private static String traceparentContext(MessageFlow.Sent s) {
    String[] tp = s.headers.get("traceparent").split("-");
    return tp[1] + "-" + tp[2];
  }

  static List<String> kinds(RequestVerdict v) {
    List<String> out = new ArrayList<>();
    JsonNode hops;
    try {
      hops = Line.MAPPER.readTree(v.toJson()).get("hops");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    for (JsonNode h : hops) {
      out.add(h.get("service").asText() + ":" + h.get("event").asText());
    }
    return out;
  }
}
