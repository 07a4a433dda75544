package dev.identitylog.internal;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.slf4j.event.KeyValuePair;

/**
 * The key-value pairs of an identity event as SLF4J hands them to a backend, built only when
 * something reads them. The shipped Logback encoder recognises this list and writes the event
 * itself ({@link #event()}), so on that path no pair, boxed value or formatted time is ever made;
 * any other encoder sees the same pairs, in the same order and of the same types, as if each had
 * been added with {@code addKeyValue}.
 *
 * <p>Immutable and safe to read from any thread (an {@code AsyncAppender}'s worker).
 *
 * <p>Internal: not part of the API and may change between versions.
 */
public final class EventKeyValues extends AbstractList<KeyValuePair> implements RandomAccess {
  private final IdentityEvent event;
  // Built on first read; List.of publishes it safely, and two racing readers build equal lists.
  private List<KeyValuePair> pairs;

  public EventKeyValues(IdentityEvent event) {
    if (event == null) {
      throw new NullPointerException("event");
    }
    this.event = event;
  }

  /** The event these pairs are of. */
  public IdentityEvent event() {
    return event;
  }

  @Override
  public KeyValuePair get(int index) {
    return pairs().get(index);
  }

  @Override
  public int size() {
    return pairs().size();
  }

  /** Without building the pairs: an event almost always has its first field, the timestamp. */
  @Override
  public boolean isEmpty() {
    List<Field<?>> all = Fields.ALL;
    for (int i = 0, n = all.size(); i < n; i++) { // no iterator: this runs for every event
      if (event.has(all.get(i))) {
        return false;
      }
    }
    return event.claims().isEmpty();
  }

  private List<KeyValuePair> pairs() {
    List<KeyValuePair> p = pairs;
    if (p == null) {
      List<KeyValuePair> built = new ArrayList<>();
      event.forEach(
          new IdentityEvent.FieldVisitor() {
            @Override
            public void visit(Field<?> field, Object value) {
              built.add(new KeyValuePair(field.key(), plainValue(field, value)));
            }

            @Override
            public void visitClaim(String key, String value) {
              built.add(new KeyValuePair(key, value));
            }
          });
      p = List.copyOf(built);
      pairs = p;
    }
    return p;
  }

  /**
   * The value as handed to SLF4J: plain JSON-like types only ({@code String}, {@code Long}, {@code
   * Boolean}, an unmodifiable {@code List<String>}); times as their RFC 3339 string and coded values
   * as their code, so any structured encoder writes what the standard says without knowing this
   * library's types.
   */
  public static Object plainValue(Field<?> field, Object value) {
    switch (field.kind()) {
      case TIME:
        return Timestamps.format((Instant) value);
      case CODE:
        return ((Coded) value).code();
      default:
        return value;
    }
  }
}
