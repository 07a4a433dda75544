package dev.identitylog.correlate;

import dev.identitylog.outcome.Coded;
import java.util.List;

/**
 * What became of one message a request sent (SPEC 1.1, messages): the record, the hop that sent
 * it, and per consumer group the deliveries and how they ended. Immutable; part of a
 * {@link RequestVerdict}.
 */
public final class MessageFate {
  /** How a message, or one group's processing of it, ended. */
  public enum Fate implements Coded {
    /** The broker did not take it: the producer's event failed. */
    SEND_FAILED("send_failed"),
    /** Acknowledged, but no consumer event for it came before the message window closed. */
    NOT_CONSUMED("not_consumed"),
    /** A consumer refused it: its authn or authz failed. */
    REFUSED("refused"),
    /** Re-published to a dead-letter topic. */
    DEAD_LETTERED("dead_lettered"),
    /** The last delivery failed otherwise (the listener threw, a call it made failed). */
    FAILED("failed"),
    /** The last delivery succeeded. */
    PROCESSED("processed");

    private final String code;

    Fate(String code) {
      this.code = code;
    }

    @Override
    public String code() {
      return code;
    }
  }

  private final String topic;
  private final String partition;
  private final long offset;
  private final String producer;
  private final String sendReason;
  private final Fate fate;
  private final List<Group> groups;

  MessageFate(String topic, String partition, long offset, String producer, String sendReason,
      Fate fate, List<Group> groups) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.producer = producer;
    this.sendReason = sendReason;
    this.fate = fate;
    this.groups = List.copyOf(groups);
  }

  /** {@code messaging.destination.name}, or {@code null}. */
  public String topic() {
    return topic;
  }

  /** {@code messaging.destination.partition.id}, or {@code null}. */
  public String partition() {
    return partition;
  }

  /** {@code messaging.kafka.offset}, or -1. */
  public long offset() {
    return offset;
  }

  /** The service that sent it, or {@code null} when no producer event was logged. */
  public String producer() {
    return producer;
  }

  /** The producer's dependency reason when the send failed, else {@code null}. */
  public String sendReason() {
    return sendReason;
  }

  /** The worst of its groups' fates, or how the send itself ended. */
  public Fate fate() {
    return fate;
  }

  /** One entry per consumer group that processed it, in order of first delivery. */
  public List<Group> groups() {
    return groups;
  }

  void appendJson(StringBuilder sb) {
    sb.append('{');
    Json.member(sb, "topic", topic);
    Json.member(sb, "partition", partition);
    if (offset >= 0) {
      Json.member(sb, "offset", offset);
    }
    Json.member(sb, "producer", producer);
    Json.member(sb, "send.reason", sendReason);
    Json.member(sb, "fate", fate.code());
    if (!groups.isEmpty()) {
      Json.key(sb, "groups");
      sb.append('[');
      for (int i = 0; i < groups.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        groups.get(i).appendJson(sb);
      }
      sb.append(']');
    }
    sb.append('}');
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendJson(sb);
    return sb.toString();
  }

  /** One consumer group's processing of the message: every delivery, and how the last ended. */
  public static final class Group {
    private final String group;
    private final String service;
    private final int deliveries;
    private final int redelivered;
    private final int unflagged;
    private final Fate fate;
    private final String reason;
    private final String deadLetterTopic;

    Group(String group, String service, int deliveries, int redelivered, int unflagged, Fate fate,
        String reason, String deadLetterTopic) {
      this.group = group;
      this.service = service;
      this.deliveries = deliveries;
      this.redelivered = redelivered;
      this.unflagged = unflagged;
      this.fate = fate;
      this.reason = reason;
      this.deadLetterTopic = deadLetterTopic;
    }

    /** {@code messaging.consumer.group.name}, or {@code null}. */
    public String group() {
      return group;
    }

    /** The consuming service. */
    public String service() {
      return service;
    }

    /** Consumer events for this record in this group. */
    public int deliveries() {
      return deliveries;
    }

    /** Deliveries its consumer flagged {@code identity.message.redelivered}. */
    public int redelivered() {
      return redelivered;
    }

    /**
     * Repeated deliveries the consumer did not flag: another consumer process took the record
     * again (one that crashed or lost its partition before committing), visible only here.
     */
    public int unflaggedRedeliveries() {
      return unflagged;
    }

    public Fate fate() {
      return fate;
    }

    /** The reason of the failure that decided the fate, or {@code null}. */
    public String reason() {
      return reason;
    }

    /** The dead-letter topic it was re-published to, or {@code null}. */
    public String deadLetterTopic() {
      return deadLetterTopic;
    }

    void appendJson(StringBuilder sb) {
      sb.append('{');
      Json.member(sb, "group", group);
      Json.member(sb, "service", service);
      Json.member(sb, "deliveries", deliveries);
      if (redelivered > 0) {
        Json.member(sb, "redelivered", redelivered);
      }
      if (unflagged > 0) {
        Json.member(sb, "redelivered.unflagged", unflagged);
      }
      Json.member(sb, "fate", fate.code());
      Json.member(sb, "reason", reason);
      Json.member(sb, "dead_letter.topic", deadLetterTopic);
      sb.append('}');
    }
  }
}
