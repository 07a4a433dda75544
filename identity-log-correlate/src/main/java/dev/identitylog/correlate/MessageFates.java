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
    Map<Object, MessageRecord> records = new LinkedHashMap<>();
    for (HopCall s : sends) {
      records.put(s, new MessageRecord(s));
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
      records.computeIfAbsent(key, x -> new MessageRecord(null)).deliveries.add(k);
    }
    absorbRetries(records, retryOf);
    List<MessageRecord> ordered = new ArrayList<>(records.values());
    ordered.removeIf(r -> r.absorbed);
    ordered.sort(Comparator.comparingLong(MessageRecord::start));

    List<String> unconsumed = new ArrayList<>();
    StringBuilder redelivered = new StringBuilder();
    for (MessageRecord r : ordered) {
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
  private static void absorbRetries(
      Map<Object, MessageRecord> records, Map<HopNode, HopCall> retryOf) {
    if (retryOf.isEmpty()) {
      return;
    }
    for (MessageRecord r : records.values()) {
      if (r.absorbed) {
        continue;
      }
      for (int i = 0; i < r.deliveries.size(); i++) { // grows as retries join
        HopNode k = r.deliveries.get(i);
        HopCall retry = retryOf.get(k);
        MessageRecord next =
            retry == null || clientFailed(retry.client) ? null : records.get(retry);
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

  static boolean sameCause(Cause a, Cause b) {
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

  static String unflagged(int n) {
    return " (" + n + (n == 1 ? " redelivery" : " redeliveries") + " its consumer did not flag:"
        + " another consumer process took the record again, as after a crash)";
  }

}
