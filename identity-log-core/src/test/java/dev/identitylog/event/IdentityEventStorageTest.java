package dev.identitylog.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An event stores only the values it has, and a builder's slot array is reused between the events
 * one thread builds: no event may ever see another's values.
 */
class IdentityEventStorageTest {
  private static final List<Field<?>> STRINGS = new ArrayList<>();

  static {
    for (Field<?> f : Fields.ALL) {
      if (f.kind() == Field.Kind.STRING) {
        STRINGS.add(f);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Field<String> string(int k) {
    return (Field<String>) STRINGS.get(k);
  }

  @Test
  void randomEventsReadBackExactlyInCanonicalOrder() {
    Random random = new Random(12);
    List<IdentityEvent> events = new ArrayList<>();
    List<Object[]> expected = new ArrayList<>();
    for (int round = 0; round < 500; round++) {
      IdentityEvent.Builder b = IdentityEvent.builder();
      Object[] want = new Object[Fields.count()];
      int sets = random.nextInt(60);
      for (int s = 0; s < sets; s++) {
        Field<String> f = string(random.nextInt(STRINGS.size()));
        if (random.nextInt(5) == 0) {
          b.remove(f);
          want[f.index()] = null;
        } else {
          String v = "v" + round + "-" + s;
          b.set(f, v);
          want[f.index()] = v;
        }
      }
      if (random.nextBoolean()) {
        b.set(Fields.HYGIENE, List.of("h" + round)); // the last field, in the second word
        want[Fields.HYGIENE.index()] = List.of("h" + round);
      }
      events.add(b.build());
      expected.add(want);
    }
    // Checked after all were built on this thread, so reuse of the slot array would show.
    for (int i = 0; i < events.size(); i++) {
      assertThat(contents(events.get(i))).containsExactly(expected.get(i));
    }
  }

  private static Object[] contents(IdentityEvent event) {
    Object[] got = new Object[Fields.count()];
    List<Integer> order = new ArrayList<>();
    event.forEach(
        (field, value) -> {
          got[field.index()] = value;
          order.add(field.index());
        });
    assertThat(order).isSorted();
    for (Field<?> f : Fields.ALL) {
      assertThat((Object) event.get(f)).isEqualTo(got[f.index()]);
      assertThat(event.has(f)).isEqualTo(got[f.index()] != null);
    }
    return got;
  }

  @Test
  void aBuilderUsedAgainAfterBuildStartsFromWhatItBuilt() {
    IdentityEvent.Builder b =
        IdentityEvent.builder().set(Fields.URL_PATH, "/a").set(Fields.LINKS, List.of("l"));
    IdentityEvent first = b.build();
    // Another builder on this thread takes the slot array back in between.
    IdentityEvent other = IdentityEvent.builder().set(Fields.SERVICE_NAME, "other").build();
    assertThat(b.get(Fields.URL_PATH)).isEqualTo("/a");
    IdentityEvent second = b.set(Fields.HTTP_ROUTE, "/r").build();

    assertThat(second.get(Fields.URL_PATH)).isEqualTo("/a");
    assertThat(second.get(Fields.LINKS)).containsExactly("l");
    assertThat(second.has(Fields.SERVICE_NAME)).isFalse();
    assertThat(first.has(Fields.HTTP_ROUTE)).isFalse();
    assertThat(other.get(Fields.SERVICE_NAME)).isEqualTo("other");
    assertThat(first.toBuilder().build()).isEqualTo(first).hasSameHashCodeAs(first);
  }

  @Test
  void nestedBuildersOnOneThreadKeepTheirOwnValues() {
    IdentityEvent.Builder outer = IdentityEvent.builder().set(Fields.URL_PATH, "/outer");
    IdentityEvent.Builder inner = IdentityEvent.builder().set(Fields.URL_FULL, "http://in/x");
    IdentityEvent innerEvent = inner.build();
    IdentityEvent.Builder third = IdentityEvent.builder(); // takes what inner gave back
    third.set(Fields.SERVICE_NAME, "third");
    IdentityEvent outerEvent = outer.build();

    assertThat(innerEvent.has(Fields.URL_PATH)).isFalse();
    assertThat(outerEvent.has(Fields.URL_FULL)).isFalse();
    assertThat(outerEvent.has(Fields.SERVICE_NAME)).isFalse();
    assertThat(third.build().has(Fields.URL_PATH)).isFalse();
  }

  @Test
  void anEventBuiltOnOneThreadReadsTheSameOnAnother() throws Exception {
    IdentityEvent event =
        IdentityEvent.builder()
            .set(Fields.URL_PATH, "/p")
            .set(Fields.HYGIENE, List.of("x"))
            .build();
    IdentityEvent.builder().set(Fields.URL_PATH, "/later").build();
    String seen =
        CompletableFuture.supplyAsync(() -> event.get(Fields.URL_PATH) + event.get(Fields.HYGIENE))
            .get();
    assertThat(seen).isEqualTo("/p[x]");
  }

  /**
   * A 30-field event costs its present values, not a slot for each of the 85 fields: before, the
   * builder's 85-slot array (356 bytes) was the event's.
   */
  @Test
  void anEventAllocatesOnlyWhatItHolds() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    String[] values = new String[30];
    for (int k = 0; k < values.length; k++) {
      values[k] = "value-" + k;
    }
    long perEvent = Long.MAX_VALUE;
    for (int round = 0; round < 20 && perEvent > 256; round++) {
      long id = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < 2_000; i++) {
        IdentityEvent.Builder b = IdentityEvent.builder();
        for (int k = 0; k < values.length; k++) {
          b.set(string(k), values[k]);
        }
        b.build();
      }
      perEvent = Math.min(perEvent, (threads.getThreadAllocatedBytes(id) - before) / 2_000);
    }
    // The builder (48), the event (40) and its 30 values (136); before, 412.
    assertThat(perEvent).isLessThanOrEqualTo(256);
  }
}
