package dev.identitylog.correlate;

import dev.identitylog.IdentityLog;
import dev.identitylog.context.Scope;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ConsumerHandler;
import dev.identitylog.handler.ProducerHandler;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.protocol.MessageConsumerResult;
import dev.identitylog.protocol.MessageProducerRequest;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Message stories as the library writes them: every event comes from the core's real
 * {@link ServerHandler}, {@link ProducerHandler} and {@link ConsumerHandler}, with the record
 * headers the producer wrote carried to the consumer, and a clock the test moves on (a consumer
 * may log minutes after the producer).
 */
final class MessageFlow {
  final MovingClock clock = new MovingClock(Instant.parse("2026-11-28T09:00:00Z"));
  final CollectingSink sink = new CollectingSink();
  private final Map<String, IdentityLog> services = new LinkedHashMap<>();

  IdentityLog service(String name) {
    return services.computeIfAbsent(
        name, n -> IdentityLog.builder().serviceName(n).clock(clock).addSink(sink).build());
  }

  MessageFlow after(Duration d) {
    clock.now = clock.now.plus(d);
    return this;
  }

  /** An HTTP request received by {@code service}; end it with {@link #answer}. */
  ServerRecord request(String service, String path) {
    return ServerHandler.create(service(service)).start(new HttpServerRequest() {
      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public String method() {
        return "POST";
      }

      @Override
      public String path() {
        return path;
      }
    });
  }

  IdentityEvent answer(String service, ServerRecord r, int status) {
    return ServerHandler.create(service(service)).finish(r, HttpServerResponse.of(status, null, null));
  }

  /** A record sent by {@code service} for {@code parent} (a request or a consumed message). */
  Sent send(String service, ServerRecord parent, String topic) {
    Sent s = new Sent(service, topic);
    s.record = ProducerHandler.create(service(service)).start(topic(topic), s.headers::put, parent);
    return s;
  }

  IdentityEvent acknowledged(Sent s, String partition, long offset) {
    s.partition = partition;
    s.offset = offset;
    return ProducerHandler.create(service(s.service))
        .finish(s.record, MessageProducerResult.acknowledged(partition, offset));
  }

  IdentityEvent refused(Sent s, MessageProducerResult.Status status) {
    return ProducerHandler.create(service(s.service))
        .finish(s.record, MessageProducerResult.failed(status, null));
  }

  /**
   * One delivery of {@code s} to {@code group} at {@code service}; {@code body} runs while the
   * record is current (decisions, a dead-letter send) and may throw, as a listener does.
   */
  IdentityEvent deliver(String service, String group, Sent s, Boolean redelivered,
      Consumer<ServerRecord> body) {
    ConsumerHandler consumers = ConsumerHandler.create(service(service));
    ServerRecord r = consumers.start(consumed(s.headers, s.topic, group, s.partition, s.offset,
        redelivered));
    Throwable thrown = null;
    try (Scope ignored = r.makeCurrent()) {
      if (body != null) {
        body.accept(r);
      }
    } catch (RuntimeException e) {
      thrown = e;
    }
    return consumers.finish(r, thrown == null ? MessageConsumerResult.processed()
        : MessageConsumerResult.failed(thrown));
  }

  /** An HTTP call {@code service} made for {@code parent} that could not connect. */
  IdentityEvent callRefused(String service, ServerRecord parent, String host) {
    dev.identitylog.handler.ClientHandler clients =
        dev.identitylog.handler.ClientHandler.create(service(service));
    ClientRecord c = clients.start(new dev.identitylog.protocol.HttpClientRequest() {
      @Override
      public String method() {
        return "POST";
      }

      @Override
      public String url() {
        return "https://" + host + ":8443/ledger";
      }

      @Override
      public String serverAddress() {
        return host;
      }
    }, parent);
    return clients.finish(c, dev.identitylog.protocol.HttpClientResponse.of(-1,
        new java.net.ConnectException("Connection refused")));
  }

  List<String> lines() {
    List<String> out = new ArrayList<>();
    for (IdentityEvent e : sink.events()) {
      out.add(JsonLineWriter.toJson(e));
    }
    return out;
  }

  static final class Sent {
    final String service;
    final String topic;
    final Map<String, String> headers = new LinkedHashMap<>();
    ClientRecord record;
    String partition;
    long offset = -1;

    Sent(String service, String topic) {
      this.service = service;
      this.topic = topic;
    }
  }

  static MessageProducerRequest topic(String name) {
    return new MessageProducerRequest() {
      @Override
      public String messagingSystem() {
        return "kafka";
      }

      @Override
      public String destinationName() {
        return name;
      }
    };
  }

  static MessageConsumerRequest consumed(Map<String, String> headers, String topic, String group,
      String partition, long offset, Boolean redelivered) {
    return new MessageConsumerRequest() {
      @Override
      public String header(String name) {
        return headers.get(name);
      }

      @Override
      public String messagingSystem() {
        return "kafka";
      }

      @Override
      public String destinationName() {
        return topic;
      }

      @Override
      public String partitionId() {
        return partition;
      }

      @Override
      public long offset() {
        return offset;
      }

      @Override
      public String consumerGroupName() {
        return group;
      }

      @Override
      public Boolean redelivered() {
        return redelivered;
      }
    };
  }

  /** A clock the test moves: event times as minutes pass between producer and consumer. */
  static final class MovingClock extends Clock {
    Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
