package dev.identitylog.kafka;

import dev.identitylog.RequestIdentity;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ConsumerHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.MessageConsumerResult;
import dev.identitylog.protocol.ServerRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Logs one {@code identity.consumer} event per record a consumer group processes, from a plain
 * poll loop or a listener container. Made by {@link IdentityLogKafka#consumerTracing(String)}, one
 * per consumer group; share it between the consumers of that group in a process, so a record that
 * a rebalance hands from one to another is known as redelivered.
 *
 * <pre>{@code
 * KafkaConsumerTracing tracing = kafka.consumerTracing("billing");
 * for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
 *   tracing.process(r, this::handle);   // handle() sees RequestIdentity.current()
 * }
 * }</pre>
 *
 * <p>Why not a {@code ConsumerInterceptor}: Kafka calls {@code onConsume} when {@code poll}
 * returns, before the application processes anything, and {@code onCommit} per offset batch; no
 * interceptor method runs when processing ends, so none can tell a processed record from one whose
 * listener threw, nor make the record current while the listener runs.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class KafkaConsumerTracing {
  private final ConsumerHandler handler;
  private final String group;
  private final RedeliveryTracker redeliveries = new RedeliveryTracker();
  /** The records of the batch being processed on this thread, for {@link #identityOf}. */
  private static final ThreadLocal<IdentityHashMap<ConsumerRecord<?, ?>, ServerRecord>> BATCH =
      new ThreadLocal<>();

  KafkaConsumerTracing(ConsumerHandler handler, String group) {
    this.handler = handler;
    this.group = group;
  }

  /** The consumer group this logs for ({@code messaging.consumer.group.name}). */
  public String group() {
    return group;
  }

  /**
   * Processes one record: starts its record (the producer's trace continued, the producer's
   * evidence as {@code identity.cert.source = message}), makes it current while {@code listener}
   * runs, so {@link RequestIdentity#current()} records this consumer's decisions and client
   * adapters join the trace, and emits its event when the listener returns or throws. What the
   * listener throws is rethrown unchanged.
   */
  public <K, V> void process(ConsumerRecord<K, V> record, RecordListener<K, V> listener)
      throws Exception {
    if (record == null) {
      listener.onRecord(null);
      return;
    }
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    ServerRecord current = start(record, partition, null);
    Throwable error = null;
    try (Scope ignored = current.makeCurrent()) {
      listener.onRecord(record);
    } catch (Throwable t) {
      error = t;
      throw t;
    } finally {
      end(record, partition, current, error);
    }
  }

  /**
   * Processes records together (a batch listener, fan-in): one event per record, each carrying
   * {@code identity.links} with every producer context of the batch when they are more than its
   * own parent. While {@code listener} runs the first record is current (its trace continues into
   * the calls the batch makes; its links name the others); a decision about one record is
   * recorded through {@link #identityOf}. When the listener throws, every record of the batch
   * ends as {@code internal_error} and the exception is rethrown unchanged.
   */
  public <K, V> void processBatch(List<ConsumerRecord<K, V>> records, BatchListener<K, V> listener)
      throws Exception {
    if (records == null || records.isEmpty() || records.contains(null)) {
      listener.onBatch(records); // nothing to log that would be true
      return;
    }
    IdentityHashMap<ConsumerRecord<?, ?>, ServerRecord> started =
        new IdentityHashMap<>(records.size() * 2);
    List<ServerRecord> order = new ArrayList<>(records.size());
    List<TopicPartition> partitions = new ArrayList<>(records.size());
    List<String> links = links(records);
    for (ConsumerRecord<K, V> r : records) {
      TopicPartition partition = new TopicPartition(r.topic(), r.partition());
      ServerRecord s = start(r, partition, links);
      partitions.add(partition);
      order.add(s);
      started.put(r, s);
    }
    IdentityHashMap<ConsumerRecord<?, ?>, ServerRecord> outer = BATCH.get();
    BATCH.set(started);
    Throwable error = null;
    try (Scope ignored = order.get(0).makeCurrent()) {
      listener.onBatch(records);
    } catch (Throwable t) {
      error = t;
      throw t;
    } finally {
      if (outer == null) {
        BATCH.remove();
      } else {
        BATCH.set(outer);
      }
      for (int i = 0; i < records.size(); i++) {
        end(records.get(i), partitions.get(i), order.get(i), error);
      }
    }
  }

  /**
   * The identity record of {@code record} while the batch that holds it is being processed on
   * this thread, to record a decision about that one record ({@code
   * tracing.identityOf(r).authzFailed(Reason.POLICY_DENIED, "billing")}); otherwise {@link
   * RequestIdentity#current()}. Never null.
   */
  public RequestIdentity identityOf(ConsumerRecord<?, ?> record) {
    IdentityHashMap<ConsumerRecord<?, ?>, ServerRecord> inFlight = BATCH.get();
    ServerRecord found = inFlight == null ? null : inFlight.get(record);
    return found != null ? found : RequestIdentity.current();
  }

  /**
   * Records processed again by this group in this process (a retry after a seek, a re-poll, a
   * rebalance between consumers sharing this object); each event says {@code
   * identity.message.redelivered = true}.
   */
  public long redeliveries() {
    return redeliveries.redeliveries();
  }

  /**
   * A rebalance listener that also learns, at each assignment, the offsets the group had
   * committed ({@code consumer.committed}), so a record below them read again (a seek back) is
   * known as redelivered even when this process never processed it. Pass it to {@code
   * consumer.subscribe(topics, listener)}; {@code then} (may be null) runs after it. It calls
   * {@code committed} on the consumer's thread, inside {@code poll}, as Kafka allows.
   */
  public ConsumerRebalanceListener rebalanceListener(
      Consumer<?, ?> consumer, ConsumerRebalanceListener then) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        learnCommitted(consumer, partitions);
        if (then != null) {
          then.onPartitionsAssigned(partitions);
        }
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (then != null) {
          then.onPartitionsRevoked(partitions);
        }
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (then != null) {
          then.onPartitionsLost(partitions);
        } else {
          onPartitionsRevoked(partitions);
        }
      }
    };
  }

  private static final java.time.Duration COMMITTED_TIMEOUT = java.time.Duration.ofSeconds(5);

  private void learnCommitted(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    try {
      // Bounded: this runs inside the application's poll(), and a slow broker must not hold the
      // assignment up for default.api.timeout.ms (a minute) for the sake of a log flag.
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(partitions instanceof Set ? (Set<TopicPartition>) partitions
              : new java.util.HashSet<>(partitions), COMMITTED_TIMEOUT);
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
        if (e.getValue() != null) {
          redeliveries.committed(e.getKey(), e.getValue().offset());
        }
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("reading committed offsets at assignment", t);
    }
  }

  private <K, V> List<String> links(List<ConsumerRecord<K, V>> records) {
    List<ConsumerRecordRequest> views = new ArrayList<>(records.size());
    for (ConsumerRecord<K, V> r : records) {
      views.add(new ConsumerRecordRequest(r, group, null));
    }
    return handler.links(views);
  }

  private ServerRecord start(
      ConsumerRecord<?, ?> record, TopicPartition partition, List<String> links) {
    Boolean redelivered = null;
    try {
      if (redeliveries.seen(partition, record.offset())) {
        redelivered = Boolean.TRUE; // never false: an earlier delivery elsewhere is unknown here
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("checking for a redelivery", t);
    }
    ConsumerRecordRequest view = new ConsumerRecordRequest(record, group, redelivered);
    return links == null ? handler.start(view) : handler.start(view, links);
  }

  private void end(ConsumerRecord<?, ?> record, TopicPartition partition, ServerRecord current,
      Throwable error) {
    try {
      redeliveries.ended(partition, record.offset());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("tracking a processed offset", t);
    }
    handler.finish(current,
        error == null ? MessageConsumerResult.processed() : MessageConsumerResult.failed(error));
  }

  @Override
  public String toString() {
    return "KafkaConsumerTracing{group=" + group + "}";
  }
}
