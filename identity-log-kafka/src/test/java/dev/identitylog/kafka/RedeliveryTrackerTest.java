package dev.identitylog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** In-process redelivery detection: per partition, bounded, and what the group committed. */
class RedeliveryTrackerTest {
  private final TopicPartition p0 = new TopicPartition("orders", 0);
  private final TopicPartition p1 = new TopicPartition("orders", 1);

  @Test
  void anOffsetAtOrBelowTheHighestEndedIsARedeliveryOfThatPartitionOnly() {
    RedeliveryTracker t = new RedeliveryTracker();
    assertThat(t.seen(p0, 5)).isFalse();
    t.ended(p0, 5);
    assertThat(t.seen(p0, 6)).isFalse();
    assertThat(t.seen(p1, 5)).isFalse(); // another partition has offsets of its own
    assertThat(t.seen(p0, 5)).isTrue();
    assertThat(t.seen(p0, 2)).isTrue();
    t.ended(p0, 3); // ending an older one never lowers the mark
    assertThat(t.seen(p0, 5)).isTrue();
    assertThat(t.redeliveries()).isEqualTo(3);
  }

  @Test
  void aCommittedOffsetMarksEverythingBelowItAsSeenByTheGroup() {
    RedeliveryTracker t = new RedeliveryTracker();
    t.committed(p0, 10);
    assertThat(t.seen(p0, 9)).isTrue();
    assertThat(t.seen(p0, 10)).isFalse(); // the next record to consume
    t.committed(p1, 0); // nothing committed yet
    assertThat(t.seen(p1, 0)).isFalse();
  }

  @Test
  void beyondTheCapNewPartitionsAreNotTracked() {
    RedeliveryTracker t = new RedeliveryTracker();
    for (int i = 0; i < RedeliveryTracker.MAX_PARTITIONS; i++) {
      t.ended(new TopicPartition("t", i), 1);
    }
    TopicPartition extra = new TopicPartition("t", RedeliveryTracker.MAX_PARTITIONS);
    t.ended(extra, 1);
    assertThat(t.seen(extra, 1)).isFalse(); // unknown, never a guess
    assertThat(t.seen(new TopicPartition("t", 7), 1)).isTrue();
  }
}
