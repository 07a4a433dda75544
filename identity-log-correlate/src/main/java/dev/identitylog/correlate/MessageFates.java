package dev.identitylog.correlate;

import static dev.identitylog.correlate.Classification.*;
import static dev.identitylog.correlate.Wording.*;

import dev.identitylog.correlate.MessageFate.Fate;
import dev.identitylog.outcome.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The messages of one request and what became of them (SPEC 1.1, messages). A producer event is a
 * call of the hop that sent the record; the consumer events whose parent span is that call's span
 * are its deliveries, grouped by consumer group (fan-out: several groups under one send; retries
 * and redeliveries: several deliveries in one group, the last deciding). A send to a dead-letter
 * topic from inside a delivery is that group's fate. The consumers ran after the request was
 * answered, so what failed there is the request's root cause only when nothing failed on the
 * request's own path ({@link Analysis}).
 */
final class MessageFates {
  final List<MessageFate> messages = new ArrayList<>(0);
  /** The root cause of the first message that failed, or null. */
  Cause cause;
  /** Messages that failed besides the one {@link #cause} tells. */
  int moreFailed;
  /** What the evidence adds about messages not consumed or redelivered, or "". */
  String notes = "";

  private MessageFates() {}

  /**
   * @param closedBy how the story ended, for a message nobody consumed: "within the 5m message
   *     window", "before the input ended"
   */
  static MessageFates of(
      HopTree tree, RootCause rootCause, DeadLetterTopics deadLetters, String closedBy) {
    if (!anyMessage(tree)) {
      return NONE; // most requests: nothing to allocate
    }
    MessageFates out = new MessageFates();
    List<HopCall> sends = new ArrayList<>();
    Map<String, HopCall> sendBySpan = new HashMap<>();
    Map<HopNode, HopCall> deadLetterOf = new IdentityHashMap<>();
    Map<HopNode, HopCall> retryOf = new IdentityHashMap<>();
    List<HopCall> strayDeadLetters = new ArrayList<>();
    List<HopNode> consumers = new ArrayList<>();
    for (HopNode n : tree.nodes) {
      boolean consumer = n.server != null && n.server.isConsumer();
      if (consumer && !deadLetters.isDeadLetter(n.server.topic)) {
        consumers.add(n);
      }
      for (HopCall c : n.calls) {
        if (c.client == null || !c.client.isProducer()) {
          continue;
        }
        if (deadLetters.isDeadLetter(c.client.topic)) {
          if (consumer) {
            deadLetterOf.putIfAbsent(n, c);
          } else {
            strayDeadLetters.add(c);
          }
          continue;
        }
        sends.add(c);
        if (consumer && c.client.topic != null && n.server.topic != null
            && retryBase(c.client.topic) != null
            && retryBase(c.client.topic).equalsIgnoreCase(baseOf(n.server.topic))) {
          retryOf.putIfAbsent(n, c); // the record handed on to a retry topic
        }
        if (c.client.spanId != null) {
          sendBySpan.putIfAbsent(c.client.spanId, c);
        }
      }
    }
    if (sends.isEmpty() && consumers.isEmpty()) {
      return out;
    }
    // A dead-letter send logged outside any delivery (an error handler after the listener's
    // record ended): the delivery of the same service and original topic it recovered.
    for (HopCall d : strayDeadLetters) {
      String original = deadLetters.original(d.client.topic);
      for (HopNode k : consumers) {
        if (Objects.equals(k.service, d.caller.service) && original.equals(k.server.topic)) {
          deadLetterOf.putIfAbsent(k, d);
        }
      }
    }

    // Each record: its send, if logged, and its deliveries.
    Map<Object, Record> records = new LinkedHashMap<>();
    for (HopCall s : sends) {
      records.put(s, new Record(s));
    }
    for (HopNode k : consumers) {
      CorrelationEvent e = k.server;
      HopCall send = e.parentSpanId == null ? null : sendBySpan.get(e.parentSpanId);
      if (send == null && e.offset >= 0) {
        for (HopCall s : sends) {
          if (s.client.offset == e.offset && Objects.equals(s.client.topic, e.topic)
              && Objects.equals(s.client.partition, e.partition)) {
            send = s;
            break;
          }
        }
      }
      Object key = send != null ? send
          : e.offset >= 0 ? e.topic + "/" + e.partition + "@" + e.offset
          : e.parentSpanId != null ? e.parentSpanId : k;
      records.computeIfAbsent(key, x -> new Record(null)).deliveries.add(k);
    }
    absorbRetries(records, retryOf);
    List<Record> ordered = new ArrayList<>(records.values());
    ordered.removeIf(r -> r.absorbed);
    ordered.sort(Comparator.comparingLong(Record::start));

    List<String> unconsumed = new ArrayList<>();
    StringBuilder redelivered = new StringBuilder();
    for (Record r : ordered) {
      r.decide(rootCause, deadLetterOf, retryOf);
      out.messages.add(r.fate);
      if (r.cause != null) {
        if (out.cause == null) {
          out.cause = r.cause;
        } else {
          out.moreFailed++;
        }
      }
      if (r.fate.fate() == Fate.NOT_CONSUMED) {
        unconsumed.add(r.what());
      }
      for (MessageFate.Group g : r.fate.groups()) {
        if (g.unflaggedRedeliveries() > 0 && g.fate() == Fate.PROCESSED) {
          redelivered.append("; ").append(groupName(g.service(), g.group())).append(" processed ")
              .append(r.what()).append(" after ").append(g.deliveries()).append(" deliveries")
              .append(unflagged(g.unflaggedRedeliveries()));
        }
      }
    }
    StringBuilder notes = new StringBuilder();
    if (out.moreFailed > 0) {
      notes.append("; ").append(out.moreFailed)
          .append(out.moreFailed == 1 ? " more message failed" : " more messages failed");
    }
    if (!unconsumed.isEmpty()) {
      notes.append("; ").append(unconsumed.get(0));
      if (unconsumed.size() > 1) {
        notes.append(" and ").append(unconsumed.size() - 1).append(" more");
      }
      notes.append(unconsumed.size() == 1 ? " was" : " were")
          .append(" not consumed by any group ").append(closedBy);
    }
    notes.append(redelivered);
    out.notes = notes.toString();
    return out;
  }

  private static final MessageFates NONE = new MessageFates();

  /**
   * Spring Kafka's non-blocking retries re-publish a failed record to {@code <topic>-retry},
   * {@code <topic>-retry-0}, {@code <topic>-retry-5000}: the deliveries there are the same group's
   * later deliveries of the record, so they join the original record's group (and a retry record
   * with no delivery yet is no message of its own).
   */
  private static void absorbRetries(Map<Object, Record> records, Map<HopNode, HopCall> retryOf) {
    if (retryOf.isEmpty()) {
      return;
    }
    for (Record r : records.values()) {
      if (r.absorbed) {
        continue;
      }
      for (int i = 0; i < r.deliveries.size(); i++) { // grows as retries join
        HopNode k = r.deliveries.get(i);
        HopCall retry = retryOf.get(k);
        Record next = retry == null || clientFailed(retry.client) ? null : records.get(retry);
        if (next == null || next == r || next.absorbed) {
          continue;
        }
        for (java.util.Iterator<HopNode> it = next.deliveries.iterator(); it.hasNext(); ) {
          HopNode d = it.next();
          if (sameGroup(d, k)) {
            r.deliveries.add(d);
            it.remove();
          }
        }
        next.absorbed = next.deliveries.isEmpty();
      }
    }
  }

  private static boolean sameGroup(HopNode a, HopNode b) {
    return a.server.consumerGroup != null
        ? a.server.consumerGroup.equals(b.server.consumerGroup)
        : b.server.consumerGroup == null && Objects.equals(a.service, b.service);
  }

  /** The topic a retry topic retries, or null when it is none. */
  static String retryBase(String topic) {
    int i = topic.toLowerCase(java.util.Locale.ROOT).lastIndexOf("-retry");
    if (i <= 0) {
      return null;
    }
    String rest = topic.substring(i + "-retry".length());
    if (rest.isEmpty()) {
      return topic.substring(0, i);
    }
    if (rest.length() < 2 || rest.charAt(0) != '-') {
      return null;
    }
    for (int j = 1; j < rest.length(); j++) {
      if (!Character.isDigit(rest.charAt(j))) {
        return null;
      }
    }
    return topic.substring(0, i);
  }

  private static String baseOf(String topic) {
    String base = retryBase(topic);
    return base != null ? base : topic;
  }

  private static boolean sameCause(Cause a, Cause b) {
    return b != null && a.verdict == b.verdict && Objects.equals(a.reason, b.reason)
        && a.evidence.equals(b.evidence);
  }

  private static boolean anyMessage(HopTree tree) {
    for (HopNode n : tree.nodes) {
      if (n.server != null && n.server.isConsumer()) {
        return true;
      }
      for (HopCall c : n.calls) {
        if (c.client != null && c.client.isProducer()) {
          return true;
        }
      }
    }
    return false;
  }

  /** A send the broker did not take: a dependency failure of the hop that sent it. */
  static Cause sendCause(HopNode n, HopCall call) {
    CorrelationEvent c = call.client;
    String reason = clientReason(c);
    String what;
    if (Reason.TIMEOUT.code().equals(reason)) {
      what = "the broker did not acknowledge it in time";
    } else if (Reason.UPSTREAM_FORBIDDEN.code().equals(reason)) {
      what = "the broker refused this producer (not authorized)";
    } else if (Reason.UPSTREAM_ERROR.code().equals(reason)) {
      what = "the broker refused the record";
    } else if (Reason.CONNECT_FAILURE.code().equals(reason)) {
      what = "it could not connect to the broker";
    } else {
      what = reason != null ? phrase(reason) : "no acknowledgement";
    }
    String topic = c.topic != null ? "topic " + c.topic : "a topic";
    return new Cause(Verdict.DEPENDENCY_FAILURE, n, n.name(), reason,
        n.name() + "'s send to " + topic + " failed: " + what + passedOn(n.caller()));
  }

  static String groupName(String service, String group) {
    String s = service != null ? service : "(unnamed service)";
    return group != null ? s + " (group " + group + ")" : s;
  }

  private static String unflagged(int n) {
    return " (" + n + (n == 1 ? " redelivery" : " redeliveries") + " its consumer did not flag:"
        + " another consumer process took the record again, as after a crash)";
  }

  /** One record: its send, when logged, and its deliveries to every group. */
  private static final class Record {
    final HopCall send;
    final List<HopNode> deliveries = new ArrayList<>(2);
    /** A retry topic's record whose deliveries joined the original record's group. */
    boolean absorbed;
    MessageFate fate;
    Cause cause;

    Record(HopCall send) {
      this.send = send;
    }

    long start() {
      if (send != null) {
        return send.start();
      }
      long s = Long.MAX_VALUE;
      for (HopNode k : deliveries) {
        s = Math.min(s, k.start == Times.NONE ? Long.MAX_VALUE : k.start);
      }
      return s;
    }

    CorrelationEvent any() {
      return send != null ? send.client : deliveries.get(0).server;
    }

    String producer() {
      return send == null ? null : send.caller.service;
    }

    /** "the message checkout sent to orders.created (partition 3, offset 42)" */
    String what() {
      CorrelationEvent e = any();
      String partition = e.partition;
      long offset = e.offset;
      for (HopNode k : deliveries) {
        partition = partition != null ? partition : k.server.partition;
        offset = offset >= 0 ? offset : k.server.offset;
      }
      StringBuilder s = new StringBuilder("the message ");
      if (producer() != null) {
        s.append(producer()).append(" sent ");
      }
      s.append("to ").append(e.topic != null ? e.topic : "a topic");
      if (partition != null || offset >= 0) {
        s.append(" (");
        if (partition != null) {
          s.append("partition ").append(partition);
        }
        if (offset >= 0) {
          s.append(partition != null ? ", " : "").append("offset ").append(offset);
        }
        s.append(')');
      }
      return s.toString();
    }

    void decide(RootCause rootCause, Map<HopNode, HopCall> deadLetterOf,
        Map<HopNode, HopCall> retryOf) {
      CorrelationEvent e = any();
      String partition = e.partition;
      long offset = e.offset;
      if (send != null && clientFailed(send.client)) {
        cause = sendCause(send.caller, send);
        fate = new MessageFate(e.topic, partition, offset, producer(), cause.reason,
            Fate.SEND_FAILED, List.of());
        return;
      }
      Map<String, List<HopNode>> byGroup = new LinkedHashMap<>();
      deliveries.sort(Comparator.comparingLong((HopNode k) -> k.end).thenComparingLong(k -> k.start));
      for (HopNode k : deliveries) {
        String g = k.server.consumerGroup != null ? "g:" + k.server.consumerGroup : "s:" + k.service;
        byGroup.computeIfAbsent(g, x -> new ArrayList<>(1)).add(k);
        partition = partition != null ? partition : k.server.partition;
        offset = offset >= 0 ? offset : k.server.offset;
      }
      List<MessageFate.Group> groups = new ArrayList<>(byGroup.size());
      Fate worst = deliveries.isEmpty() ? Fate.NOT_CONSUMED : Fate.PROCESSED;
      for (List<HopNode> ds : byGroup.values()) {
        MessageFate.Group g = group(ds, rootCause, deadLetterOf, retryOf);
        groups.add(g);
        if (g.fate().ordinal() < worst.ordinal()) {
          worst = g.fate();
        }
      }
      fate = new MessageFate(e.topic, partition, offset, producer(), null, worst, groups);
    }

    private MessageFate.Group group(
        List<HopNode> ds, RootCause rootCause, Map<HopNode, HopCall> deadLetterOf,
        Map<HopNode, HopCall> retryOf) {
      HopNode last = ds.get(ds.size() - 1);
      int flagged = 0;
      int failures = 0;
      HopCall deadLetter = null;
      HopNode failed = null;
      // Per topic, partition and offset: a retry topic's delivery is another record, not a repeat.
      Map<String, int[]> seen = new HashMap<>();
      List<String> retryTopics = new ArrayList<>(0);
      for (HopNode k : ds) {
        int[] counts = seen.computeIfAbsent(
            k.server.topic + "/" + k.server.partition + "@" + k.server.offset, x -> new int[2]);
        counts[0]++;
        if (k.server.redelivered) {
          flagged++;
          counts[1]++;
        }
        HopCall retry = retryOf.get(k);
        if (retry != null && !retryTopics.contains(retry.client.topic)) {
          retryTopics.add(retry.client.topic);
        }
        if (!succeeded(k.server)) {
          failures++;
          failed = k;
        }
        HopCall d = deadLetterOf.get(k);
        if (d != null) {
          deadLetter = d;
        }
      }
      int unflagged = 0;
      for (int[] counts : seen.values()) {
        unflagged += Math.max(0, counts[0] - 1 - counts[1]);
      }
      // The last delivery decides; a dead-lettered record is told by the delivery that failed.
      HopNode deciding = !succeeded(last.server) ? last : deadLetter != null ? failed : null;
      Cause c = deciding == null ? null : rootCause.evaluate(deciding, 0);
      String service = last.service;
      String groupName = last.server.consumerGroup;
      Fate f;
      if (deadLetter != null) {
        f = Fate.DEAD_LETTERED;
      } else if (c == null) {
        f = Fate.PROCESSED;
      } else if (c.node == deciding && (c.verdict == Verdict.AUTHN_FAILURE
          || c.verdict == Verdict.AUTHZ_FAILURE || c.verdict == Verdict.TOKEN_EXCHANGE_FAILURE)) {
        f = Fate.REFUSED;
      } else {
        f = Fate.FAILED;
      }
      String dlTopic = deadLetter == null ? null : deadLetter.client.topic;
      if (c != null || deadLetter != null) {
        HopNode k = deciding != null ? deciding : last;
        // The consumer's own decision, or one found inside it (a call it made that failed).
        boolean own = c != null && c.node == k && sameCause(c, rootCause.own(k));
        Cause told = tell(c, own, k, ds.size(), failures, unflagged, dlTopic, retryTopics);
        if (cause == null) {
          cause = told;
        }
      }
      return new MessageFate.Group(groupName, service, ds.size(), flagged, unflagged, f,
          c == null ? null : c.reason, dlTopic);
    }

    /** The cause as a sentence about the message: group, topic, partition, offset, deliveries. */
    private Cause tell(Cause c, boolean own, HopNode k, int deliveries, int failures,
        int unflagged, String deadLetter, List<String> retryTopics) {
      String who = groupName(k.service, k.server.consumerGroup);
      StringBuilder s = new StringBuilder();
      Verdict verdict;
      String reason;
      String hop;
      HopNode node;
      if (c == null) {
        verdict = Verdict.UNKNOWN;
        reason = null;
        hop = k.name();
        node = k;
        s.append(who).append(" dead-lettered ").append(what())
            .append(" without logging a failed delivery");
      } else if (!own) {
        // Deeper: a call the consumer made failed.
        verdict = c.verdict;
        reason = c.reason;
        hop = c.hop;
        node = c.node;
        s.append(c.evidence).append("; while ").append(who).append(" processed ").append(what());
      } else {
        verdict = c.verdict;
        reason = c.reason;
        hop = c.hop;
        node = c.node;
        s.append(who);
        switch (c.verdict) {
          case AUTHZ_FAILURE:
            s.append(" refused ");
            break;
          case AUTHN_FAILURE:
          case TOKEN_EXCHANGE_FAILURE:
            s.append(" rejected the credential of ");
            break;
          case DEPENDENCY_FAILURE:
            s.append(" failed on a dependency processing ");
            break;
          default:
            s.append(" failed processing ");
        }
        s.append(what());
        if (reason != null) {
          s.append(": ").append(phrase(reason));
        }
      }
      if (deliveries > 1) {
        s.append(failures == deliveries ? "; failed on all " + deliveries + " deliveries"
            : "; " + deliveries + " deliveries, " + failures + " failed");
      }
      if (unflagged > 0) {
        s.append(unflagged(unflagged));
      }
      if (!retryTopics.isEmpty()) {
        s.append("; retried through ").append(String.join(", ", retryTopics));
      }
      if (deadLetter != null) {
        s.append("; dead-lettered to ").append(deadLetter);
      }
      return new Cause(verdict, node, hop, reason, s.toString());
    }
  }
}
