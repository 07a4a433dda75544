package dev.identitylog.correlate;

import static dev.identitylog.correlate.Classification.*;
import static dev.identitylog.correlate.MessageFates.*;
import static dev.identitylog.correlate.Wording.*;

import dev.identitylog.correlate.MessageFate.Fate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One record a request sent ({@link MessageFates}): its send, when logged, and its deliveries to
 * every group, and what became of it.
 */
final class MessageRecord {
  final HopCall send;
  final List<HopNode> deliveries = new ArrayList<>(2);
  /** A retry topic's record whose deliveries joined the original record's group. */
  boolean absorbed;
  MessageFate fate;
  Cause cause;

  MessageRecord(HopCall send) {
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
