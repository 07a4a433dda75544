package dev.identitylog.event;

import dev.identitylog.redact.Limits;

/**
 * Field values cleaned once, under one set of limits, for facts that repeat on many events (a
 * cached token's claims, a certificate's subject and hashes): {@link IdentityEvent.Builder#setAll}
 * copies them into an event in one step instead of checking each value again. Made by {@link
 * IdentityEvent.Builder#prepare()}; immutable and safe to share between threads.
 */
public final class PreparedFields {
  private final int maxStringLength;
  private final int maxArraySize;
  final long low;
  final long high;
  final byte[] slots;
  final Object[] values;

  PreparedFields(Limits limits, long low, long high, byte[] slots, Object[] values) {
    this.maxStringLength = limits.maxStringLength();
    this.maxArraySize = limits.maxArraySize();
    this.low = low;
    this.high = high;
    this.slots = slots;
    this.values = values;
  }

  /** Sets some fields on a builder one by one, answering how many values it gave (not null). */
  @FunctionalInterface
  public interface Setter {
    int setOn(IdentityEvent.Builder event);
  }

  /**
   * The fields {@code setter} sets, cleaned once under the default limits; {@code null} when a
   * value it gives cleans to nothing, since setting it one by one would remove a field, which a
   * copy cannot do. For facts made once and applied to many events (a cached token, a certificate).
   */
  public static PreparedFields of(Setter setter) {
    IdentityEvent.Builder b = IdentityEvent.builder();
    int given = setter.setOn(b);
    PreparedFields p = b.prepare();
    return p.size() == given ? p : null;
  }

  /**
   * Copies the fields into {@code event} when {@code prepared} exists and fits the builder's
   * limits; false when it does not, and the caller sets them one by one (the same values).
   */
  public static boolean copyInto(PreparedFields prepared, IdentityEvent.Builder event) {
    if (prepared == null || !prepared.fits(event.limits())) {
      return false;
    }
    event.setAll(prepared);
    return true;
  }

  /**
   * Whether a builder with these limits may take these values as they are: only under the limits
   * they were cleaned with, since a value cut to a shorter limit would stay cut under a longer one.
   */
  public boolean fits(Limits limits) {
    return limits.maxStringLength() == maxStringLength && limits.maxArraySize() == maxArraySize;
  }

  /** How many fields. */
  public int size() {
    return slots.length;
  }

  /** The {@code k}-th field, in canonical order. */
  public Field<?> field(int k) {
    return Fields.ALL.get(slots[k]);
  }

  /** The {@code k}-th value, as an event holds it. */
  public Object value(int k) {
    return values[k];
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PreparedFields[");
    for (int k = 0; k < slots.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(field(k).key());
    }
    return sb.append(']').toString();
  }
}
