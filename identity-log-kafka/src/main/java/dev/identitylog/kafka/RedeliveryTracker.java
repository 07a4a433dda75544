package dev.identitylog.kafka;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;

/**
 * Redelivery within one process, for one consumer group: per partition, the highest offset whose
 * processing ended here (or that the group had committed past when the partition was assigned).
 * A record at or below it was seen by this group before: a retry after a seek, a re-poll after a
 * failed commit, a partition that a rebalance moved between consumers of this process. O(1) per
 * record; memory is one entry per partition, at most {@link #MAX_PARTITIONS}.
 *
 * <p>What it cannot know: a record whose earlier delivery went to another process (a consumer that
 * crashed before committing). That first delivery left its own {@code identity.consumer} event,
 * and {@code correlate} finds the pair (same group, topic, partition, offset) in the logs.
 */
final class RedeliveryTracker {
  /** Beyond this many partitions, new ones are not tracked (redelivery there stays unknown). */
  static final int MAX_PARTITIONS = 100_000;

  private final ConcurrentMap<TopicPartition, AtomicLong> highest = new ConcurrentHashMap<>();
  private final LongAdder redeliveries = new LongAdder();

  /** Whether this group saw {@code offset} of this partition before; counts it when so. */
  boolean seen(TopicPartition partition, long offset) {
    AtomicLong h = highest.get(partition);
    if (h != null && offset >= 0 && offset <= h.get()) {
      redeliveries.increment();
      return true;
    }
    return false;
  }

  /** Processing of {@code offset} ended here (either way). */
  void ended(TopicPartition partition, long offset) {
    advance(partition, offset);
  }

  /** The group had committed {@code committed}: everything below it was processed before. */
  void committed(TopicPartition partition, long committed) {
    if (committed > 0) {
      advance(partition, committed - 1);
    }
  }

  private void advance(TopicPartition partition, long offset) {
    if (offset < 0) {
      return;
    }
    AtomicLong h = highest.get(partition);
    if (h == null) {
      if (highest.size() >= MAX_PARTITIONS) {
        return;
      }
      h = highest.computeIfAbsent(partition, p -> new AtomicLong(-1));
    }
    h.accumulateAndGet(offset, Math::max);
  }

  long redeliveries() {
    return redeliveries.sum();
  }
}
