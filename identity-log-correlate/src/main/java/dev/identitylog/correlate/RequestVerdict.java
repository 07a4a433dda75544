package dev.identitylog.correlate;

import dev.identitylog.event.EventName;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Outcome;
import java.time.Instant;
import java.util.List;

/**
 * One request as every hop saw it, and what went wrong with it. Immutable.
 *
 * <p>{@link #toJson()} writes one flat object: {@code trace.id}, {@code trace.ids} (only when the
 * hops carry several), {@code identity.request.id}, {@code timestamp} (when the request started),
 * {@code hops} (outermost first), {@code messages} (1.1, only when it sent any),
 * {@code verdict}, {@code verdict.hop}, {@code verdict.reason},
 * {@code verdict.evidence}. Absent values are omitted.
 */
public final class RequestVerdict {
  private final String traceId;
  private final List<String> traceIds;
  private final String requestId;
  private final List<String> requestIds;
  private final long start;
  private final List<Hop> hops;
  private final List<MessageFate> messages;
  private final Verdict verdict;
  private final String verdictHop;
  private final String verdictReason;
  private final String evidence;

  RequestVerdict(
      String traceId,
      List<String> traceIds,
      List<String> requestIds,
      long start,
      List<Hop> hops,
      List<MessageFate> messages,
      Verdict verdict,
      String verdictHop,
      String verdictReason,
      String evidence) {
    this.traceId = traceId;
    this.traceIds = List.copyOf(traceIds);
    this.requestIds = List.copyOf(requestIds);
    this.requestId = requestIds.isEmpty() ? null : requestIds.get(0);
    this.start = start;
    this.hops = List.copyOf(hops);
    this.messages = List.copyOf(messages);
    this.verdict = verdict;
    this.verdictHop = verdictHop;
    this.verdictReason = verdictReason;
    this.evidence = evidence;
  }

  /** The trace id of the outermost hop that has one, or {@code null}. */
  public String traceId() {
    return traceId;
  }

  /** Every trace id seen among the hops, outermost first; more than one means a broken trace. */
  public List<String> traceIds() {
    return traceIds;
  }

  /** The request id of the outermost hop that has one, or {@code null}. */
  public String requestId() {
    return requestId;
  }

  /**
   * Every request id seen among the hops, outermost first; several when a hop generated its own
   * instead of passing {@code X-Request-ID} on.
   */
  public List<String> requestIds() {
    return requestIds;
  }

  /** When the earliest hop started (its end time minus its duration), or {@code null}. */
  public Instant start() {
    return start == Times.NONE ? null : Instant.ofEpochMilli(start);
  }

  long startMillis() {
    return start;
  }

  /** One entry per event (server and client), outermost first. */
  public List<Hop> hops() {
    return hops;
  }

  /**
   * 1.1: the messages the request sent (or whose deliveries joined it), each with its groups and
   * fate, in order of sending; empty when it sent none.
   */
  public List<MessageFate> messages() {
    return messages;
  }

  public Verdict verdict() {
    return verdict;
  }

  /** The {@code service.name} of the root-cause hop, or {@code null} for {@link Verdict#OK}. */
  public String verdictHop() {
    return verdictHop;
  }

  /** The reason code of the root cause, or {@code null} when no hop recorded one. */
  public String verdictReason() {
    return verdictReason;
  }

  /** One sentence a person can act on. */
  public String evidence() {
    return evidence;
  }

  /** This request as one JSON object, on one line. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256 + hops.size() * 160);
    sb.append('{');
    Json.member(sb, "trace.id", traceId);
    if (traceIds.size() > 1) {
      Json.key(sb, "trace.ids");
      sb.append('[');
      for (int i = 0; i < traceIds.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Json.string(sb, traceIds.get(i));
      }
      sb.append(']');
    }
    Json.member(sb, "identity.request.id", requestId);
    if (requestIds.size() > 1) {
      Json.key(sb, "identity.request.ids");
      sb.append('[');
      for (int i = 0; i < requestIds.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Json.string(sb, requestIds.get(i));
      }
      sb.append(']');
    }
    if (start != Times.NONE) {
      Json.member(sb, "timestamp", Timestamps.format(Instant.ofEpochMilli(start)));
    }
    Json.key(sb, "hops");
    sb.append('[');
    for (int i = 0; i < hops.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      hops.get(i).appendJson(sb, traceId);
    }
    sb.append(']');
    if (!messages.isEmpty()) {
      Json.key(sb, "messages");
      sb.append('[');
      for (int i = 0; i < messages.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        messages.get(i).appendJson(sb);
      }
      sb.append(']');
    }
    Json.member(sb, "verdict", verdict.code());
    Json.member(sb, "verdict.hop", verdictHop);
    Json.member(sb, "verdict.reason", verdictReason);
    Json.member(sb, "verdict.evidence", evidence);
    return sb.append('}').toString();
  }

  @Override
  public String toString() {
    return toJson();
  }

  /**
   * One event of the request: a hop receiving it (server) or calling on (client), with the
   * outcomes that hop recorded. Outcomes the correlator itself deduced appear only in the verdict.
   */
  public static final class Hop {
    private final CorrelationEvent e;

    Hop(CorrelationEvent event) {
      this.e = event;
    }

    /** {@code service.name}, or {@code null} when the event had none. */
    public String service() {
      return e.service;
    }

    public HopLayer layer() {
      return e.layer;
    }

    public EventName event() {
      return e.name;
    }

    /** The trace id of this event, or {@code null}. */
    public String traceId() {
      return e.traceId;
    }

    /** The HTTP status code, else the gRPC status name, or {@code null}. */
    public String status() {
      return e.statusText();
    }

    /** When the event ended, or {@code null}. */
    public Instant timestamp() {
      return e.timestamp();
    }

    public Outcome authn() {
      return e.authn;
    }

    public String authnReason() {
      return e.authnReason;
    }

    public Outcome authz() {
      return e.authz;
    }

    public String authzReason() {
      return e.authzReason;
    }

    public Outcome dependency() {
      return e.dependency;
    }

    public String dependencyReason() {
      return e.dependencyReason;
    }

    public String dependencyName() {
      return e.dependencyName;
    }

    /** 1.1, message events: {@code messaging.destination.name}, or {@code null}. */
    public String topic() {
      return e.topic;
    }

    /** 1.1, consumer events: {@code messaging.consumer.group.name}, or {@code null}. */
    public String consumerGroup() {
      return e.consumerGroup;
    }

    /** {@code identity.token.hash} of the token this hop saw (server) or sent (client). */
    public String tokenHash() {
      return e.tokenHash;
    }

    void appendJson(StringBuilder sb, String requestTrace) {
      sb.append('{');
      Json.member(sb, "service", e.service);
      Json.member(sb, "layer", e.layer == null ? null : e.layer.code());
      Json.member(sb, "event", e.kind());
      if (e.traceId != null && !e.traceId.equals(requestTrace)) {
        Json.member(sb, "trace.id", e.traceId);
      }
      if (e.timestamp != Times.NONE) {
        Json.member(sb, "timestamp", Timestamps.format(Instant.ofEpochMilli(e.timestamp)));
      }
      Json.member(sb, "status", e.statusText());
      outcome(sb, "authn", e.authn, e.authnReason, e.authnInferred);
      outcome(sb, "authz", e.authz, e.authzReason, e.authzInferred);
      outcome(sb, "dependency", e.dependency, e.dependencyReason, e.dependencyInferred);
      Json.member(sb, "dependency.name", e.dependencyName);
      Json.member(sb, "dependency.status", e.dependencyStatus);
      if (e.errorType != null && e.authnReason == null && e.authzReason == null
          && e.dependencyReason == null) {
        Json.member(sb, "error.type", e.errorType);
      }
      Json.member(sb, "token.hash", e.tokenHash);
      if (e.attempts > 1) {
        Json.member(sb, "attempts", e.attempts);
      }
      if (e.forwardedUntrusted) {
        Json.member(sb, "forwarded.untrusted", true);
      }
      if (e.isProducer() || e.isConsumer()) {
        Json.member(sb, "topic", e.topic);
        Json.member(sb, "partition", e.partition);
        if (e.offset >= 0) {
          Json.member(sb, "offset", e.offset);
        }
        Json.member(sb, "group", e.consumerGroup);
        if (e.redelivered) {
          Json.member(sb, "redelivered", true);
        }
        if (e.linked) {
          Json.member(sb, "linked", true);
        }
      }
      sb.append('}');
    }

    private static void outcome(
        StringBuilder sb, String phase, Outcome o, String reason, boolean inferred) {
      if (o == null && reason == null) {
        return;
      }
      Json.member(sb, phase, o == null ? null : o.code());
      Json.member(sb, phase + ".reason", reason);
      if (inferred) {
        Json.member(sb, phase + ".inferred", true);
      }
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      appendJson(sb, null);
      return sb.toString();
    }
  }
}
