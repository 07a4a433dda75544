package dev.identitylog.event;

import dev.identitylog.redact.Limits;
import dev.identitylog.redact.Sanitizer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One identity event: what one hop knew about one request (or one outbound call) when it ended.
 * Immutable. Values are already within the {@link Limits} they were built with: strings cleaned
 * and truncated, arrays capped, empty values absent. Every emitter therefore writes the same facts.
 *
 * <p>Built with {@link #builder()}; read with {@link #get(Field)} or visited in canonical order
 * with {@link #forEach(FieldVisitor)}.
 */
public final class IdentityEvent {
  // The standard's fields, one bit each in two words: an event stores only the values it has.
  private static final int SLOTS = Fields.count();

  static {
    if (SLOTS > 128) {
      throw new IllegalStateException("an event indexes at most 128 fields, not " + SLOTS);
    }
  }

  // Which fields are present: bit i of low for index i < 64, bit i - 64 of high for the rest.
  private final long low;
  private final long high;
  // The present values in canonical order: a typical event carries 25 to 35 of the 85 fields, so
  // this is a third of a slot-per-field array, and never shared with a builder.
  private final Object[] values;
  private final Map<String, String> claims;

  private IdentityEvent(long low, long high, Object[] values, Map<String, String> claims) {
    this.low = low;
    this.high = high;
    this.values = values;
    this.claims = claims;
  }

  /** A builder with the default limits. */
  public static Builder builder() {
    return new Builder(Limits.defaults());
  }

  /** A builder that applies these limits to every value set. */
  public static Builder builder(Limits limits) {
    return new Builder(limits);
  }

  /** The value of a field, or {@code null} when absent. */
  @SuppressWarnings("unchecked")
  public <T> T get(Field<T> field) {
    int i = field.index();
    // A shift by i uses i's low six bits only, so one expression serves both words.
    long bit = 1L << i;
    if (i < 64) {
      long l = low;
      return (l & bit) == 0 ? null : (T) values[Long.bitCount(l & (bit - 1))];
    }
    long h = high;
    return (h & bit) == 0
        ? null
        : (T) values[Long.bitCount(low) + Long.bitCount(h & (bit - 1))];
  }

  /** Whether the field has a value. */
  public boolean has(Field<?> field) {
    int i = field.index();
    return ((i < 64 ? low : high) & (1L << i)) != 0;
  }

  /**
   * Allowlisted extra token claims, keyed by the full field name ({@code identity.token.claim.X}),
   * in the order they were added. Never null.
   */
  public Map<String, String> claims() {
    return claims;
  }

  /** Visits every present field in canonical order, then the extra claims. */
  public void forEach(FieldVisitor visitor) {
    List<Field<?>> all = Fields.ALL;
    Object[] v = values;
    int k = 0;
    for (long m = low; m != 0; m &= m - 1) {
      visitor.visit(all.get(Long.numberOfTrailingZeros(m)), v[k++]);
    }
    for (long m = high; m != 0; m &= m - 1) {
      visitor.visit(all.get(64 + Long.numberOfTrailingZeros(m)), v[k++]);
    }
    if (!claims.isEmpty()) {
      for (Map.Entry<String, String> e : claims.entrySet()) {
        visitor.visitClaim(e.getKey(), e.getValue());
      }
    }
  }

  /** A builder holding this event's values, with the default limits. */
  public Builder toBuilder() {
    return toBuilder(Limits.defaults());
  }

  /** A builder holding this event's values. */
  public Builder toBuilder(Limits limits) {
    Builder b = new Builder(limits);
    b.copyFrom(this);
    if (!claims.isEmpty()) {
      b.claims = new LinkedHashMap<>(claims);
    }
    return b;
  }

  /** Writes this event's values into a slot-per-field array. */
  private void spread(Object[] into) {
    int k = 0;
    for (long m = low; m != 0; m &= m - 1) {
      into[Long.numberOfTrailingZeros(m)] = values[k++];
    }
    for (long m = high; m != 0; m &= m - 1) {
      into[64 + Long.numberOfTrailingZeros(m)] = values[k++];
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof IdentityEvent)) {
      return false;
    }
    IdentityEvent e = (IdentityEvent) o;
    return low == e.low
        && high == e.high
        && Arrays.equals(values, e.values)
        && claims.equals(e.claims);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(low ^ high) + Arrays.hashCode(values)) + claims.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("IdentityEvent{");
    forEach(
        new FieldVisitor() {
          @Override
          public void visit(Field<?> field, Object value) {
            sb.append(field.key()).append('=').append(value).append(", ");
          }

          @Override
          public void visitClaim(String key, String value) {
            sb.append(key).append('=').append(value).append(", ");
          }
        });
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }

  /** Receives the present fields of an event in canonical order. */
  public interface FieldVisitor {
    /**
     * A present field. The value's class is the field's {@link Field#type()}: {@code String},
     * {@code Long}, {@code Boolean}, an unmodifiable {@code List<String>}, an {@code Instant}, or
     * a {@link dev.identitylog.outcome.Coded} enum.
     */
    void visit(Field<?> field, Object value);

    /** An allowlisted extra claim; the key is the full field name. */
    default void visitClaim(String key, String value) {}
  }

  /**
   * Collects the values of one event. Not thread-safe: an event is built by one request at a
   * time. Setting {@code null}, an empty string or an empty list removes the field.
   */
  public static final class Builder {
    /**
     * One spare slot-per-field array per thread. A request builds its event on one thread, so the
     * builder takes the spare and build() gives it back cleared: the 85 slots (about 360 bytes)
     * are not allocated per request. A second builder on the same thread (an outbound call inside
     * a request) finds none and allocates its own, as does a builder on a thread that never built.
     */
    private static final ThreadLocal<Object[][]> SPARE = ThreadLocal.withInitial(() -> new Object[1][]);

    private final Limits limits;
    // Slot-per-field values; null once build() gave the array back, until the builder is used again.
    private Object[] values;
    // Which slots of values hold a value, as in IdentityEvent.
    private long low;
    private long high;
    // What build() made last, from which a builder used again takes its values back.
    private IdentityEvent built;
    // Most events carry no extra claim: the map is made by the first one.
    private Map<String, String> claims = Collections.emptyMap();

    Builder(Limits limits) {
      if (limits == null) {
        throw new NullPointerException("limits");
      }
      this.limits = limits;
      this.values = takeSpare();
    }

    private static Object[] takeSpare() {
      Object[][] spare = SPARE.get();
      Object[] a = spare[0];
      if (a == null) {
        return new Object[SLOTS];
      }
      spare[0] = null;
      return a;
    }

    /** The values, taken back from the last event built when build() gave the array away. */
    private Object[] values() {
      Object[] v = values;
      if (v == null) {
        v = takeSpare();
        built.spread(v);
        values = v;
      }
      return v;
    }

    void copyFrom(IdentityEvent event) {
      event.spread(values());
      low = event.low;
      high = event.high;
    }

    private void mark(int index, boolean present) {
      long bit = 1L << index;
      if (index < 64) {
        low = present ? low | bit : low & ~bit;
      } else {
        high = present ? high | bit : high & ~bit;
      }
    }

    /** Sets a field; strings are cleaned and truncated, lists capped, as the limits say. */
    public <T> Builder set(Field<T> field, T value) {
      Object v = normalize(field, value);
      int i = field.index();
      values()[i] = v;
      mark(i, v != null);
      return this;
    }

    /**
     * Sets every field that {@code fields} holds, as {@link #set} would have set each of their
     * values one by one, in one copy: the values were cleaned under these same limits when they
     * were prepared, so they are not looked at again.
     *
     * @throws IllegalArgumentException when the fields were prepared under other limits ({@link
     *     PreparedFields#fits(Limits)}): their values could differ from what {@link #set} makes
     */
    public Builder setAll(PreparedFields fields) {
      if (!fields.fits(limits)) {
        throw new IllegalArgumentException("prepared under other limits than " + limits);
      }
      Object[] v = values();
      byte[] slots = fields.slots;
      Object[] prepared = fields.values;
      for (int k = 0; k < slots.length; k++) {
        v[slots[k]] = prepared[k];
      }
      low |= fields.low;
      high |= fields.high;
      return this;
    }

    /**
     * The fields set so far (not the claims), to be set again on other builders with the same
     * limits by {@link #setAll}: for facts that repeat on many events, such as a cached token's.
     */
    public PreparedFields prepare() {
      // Built like an event, so that the slot array goes back to the thread's spare here too.
      IdentityEvent e = build();
      byte[] slots = new byte[e.values.length];
      int k = 0;
      for (long m = e.low; m != 0; m &= m - 1) {
        slots[k++] = (byte) Long.numberOfTrailingZeros(m);
      }
      for (long m = e.high; m != 0; m &= m - 1) {
        slots[k++] = (byte) (64 + Long.numberOfTrailingZeros(m));
      }
      return new PreparedFields(limits, e.low, e.high, slots, e.values);
    }

    /** Sets a field only when it has no value yet. */
    public <T> Builder setIfAbsent(Field<T> field, T value) {
      if (values()[field.index()] == null) {
        set(field, value);
      }
      return this;
    }

    /** Removes a field. */
    public Builder remove(Field<?> field) {
      int i = field.index();
      values()[i] = null;
      mark(i, false);
      return this;
    }

    /** The value set so far, or {@code null}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Field<T> field) {
      return (T) values()[field.index()];
    }

    /**
     * Adds an allowlisted extra token claim as {@code identity.token.claim.NAME}. The name is
     * reduced to {@code [A-Za-z0-9_]} so it cannot clash with a field of the standard.
     */
    public Builder claim(String name, String value) {
      if (name == null || name.isEmpty()) {
        return this;
      }
      StringBuilder key = new StringBuilder(Fields.CLAIM_PREFIX.length() + name.length());
      key.append(Fields.CLAIM_PREFIX);
      for (int i = 0; i < name.length() && i < 64; i++) {
        char c = name.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        key.append(ok ? c : '_');
      }
      String v = Sanitizer.clean(value, limits.maxStringLength());
      if (v == null) {
        claims.remove(key.toString());
      } else if (claims.size() < limits.maxArraySize() || claims.containsKey(key.toString())) {
        if (claims.isEmpty()) {
          claims = new LinkedHashMap<>();
        }
        claims.put(key.toString(), v);
      }
      return this;
    }

    public Limits limits() {
      return limits;
    }

    /**
     * The event of the values set so far. The builder can go on being used; its slot array goes
     * back to the thread's spare (cleared), so a builder used again takes its values back from
     * this event.
     */
    public IdentityEvent build() {
      Map<String, String> c =
          claims.isEmpty()
              ? Collections.emptyMap()
              : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
      Object[] v = values();
      Object[] present = new Object[Long.bitCount(low) + Long.bitCount(high)];
      int k = 0;
      for (long m = low; m != 0; m &= m - 1) {
        int i = Long.numberOfTrailingZeros(m);
        present[k++] = v[i];
        v[i] = null;
      }
      for (long m = high; m != 0; m &= m - 1) {
        int i = 64 + Long.numberOfTrailingZeros(m);
        present[k++] = v[i];
        v[i] = null;
      }
      IdentityEvent event = new IdentityEvent(low, high, present, c);
      built = event;
      values = null;
      SPARE.get()[0] = v; // every slot cleared above: only set slots ever hold a value
      return event;
    }

    private Object normalize(Field<?> field, Object value) {
      if (value == null) {
        return null;
      }
      if (!field.type().isInstance(value)) {
        throw new IllegalArgumentException(
            field.key() + " takes " + field.type().getSimpleName() + ", not "
                + value.getClass().getName());
      }
      switch (field.kind()) {
        case STRING:
          return clean(field, (String) value);
        case STRINGS:
          return cleanList((List<?>) value);
        default:
          return value;
      }
    }

    /**
     * The string cleaned, without scanning it again when it is the very instance found clean last
     * time (a cached token's subject, the service name): see {@link Field#lastClean()}.
     */
    private String clean(Field<?> field, String value) {
      int max = limits.maxStringLength();
      if (value == field.lastClean() && value.length() <= max) {
        return value;
      }
      String v = Sanitizer.clean(value, max);
      if (v == value) {
        field.cleaned(v);
      }
      return v;
    }

    private List<String> cleanList(List<?> list) {
      if (list.isEmpty()) {
        return null;
      }
      if (list instanceof CleanList && ((CleanList) list).within(limits)) {
        // Cleaned before (a cached token's audience, say) and within these limits: cleaning it
        // again would give an equal list, so the list itself is kept, not rebuilt per request.
        return (CleanList) list;
      }
      int max = Math.min(list.size(), limits.maxArraySize());
      String[] out = new String[max];
      int n = 0;
      for (int i = 0, size = list.size(); i < size && n < max; i++) {
        Object o = list.get(i);
        String s = o == null ? null : Sanitizer.clean(o.toString(), limits.maxStringLength());
        if (s != null) {
          out[n++] = s;
        }
      }
      return n == 0 ? null : new CleanList(n == max ? out : Arrays.copyOf(out, n));
    }
  }
}
