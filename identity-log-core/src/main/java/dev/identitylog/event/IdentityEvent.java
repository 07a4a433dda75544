package dev.identitylog.event;

import dev.identitylog.redact.Limits;
import dev.identitylog.redact.Sanitizer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * One identity event: what one hop knew about one request (or one outbound call) when it ended.
 * Immutable. Values are already within the {@link Limits} they were built with: strings cleaned
 * and truncated, arrays capped, empty values absent. Every emitter therefore writes the same facts.
 *
 * <p>Built with {@link #builder()}; read with {@link #get(Field)} or visited in canonical order
 * with {@link #forEach(FieldVisitor)}.
 */
public final class IdentityEvent {
  private final Object[] values;
  private final Map<String, String> claims;

  private IdentityEvent(Object[] values, Map<String, String> claims) {
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
    return (T) values[field.index()];
  }

  /** Whether the field has a value. */
  public boolean has(Field<?> field) {
    return values[field.index()] != null;
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
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v != null) {
        visitor.visit(all.get(i), v);
      }
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
    System.arraycopy(values, 0, b.values, 0, values.length);
    if (!claims.isEmpty()) {
      b.claims = new LinkedHashMap<>(claims);
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityEvent
        && Arrays.equals(values, ((IdentityEvent) o).values)
        && claims.equals(((IdentityEvent) o).claims);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + claims.hashCode();
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
    private final Limits limits;
    private Object[] values = new Object[Fields.count()];
    // Handed to the event that build() made, and copied before this builder changes it again:
    // an exchange builds once, so the common case never copies the array.
    private boolean valuesShared;
    // Most events carry no extra claim: the map is made by the first one.
    private Map<String, String> claims = Collections.emptyMap();

    Builder(Limits limits) {
      if (limits == null) {
        throw new NullPointerException("limits");
      }
      this.limits = limits;
    }

    /** Sets a field; strings are cleaned and truncated, lists capped, as the limits say. */
    public <T> Builder set(Field<T> field, T value) {
      Object v = normalize(field, value);
      writable()[field.index()] = v;
      return this;
    }

    private Object[] writable() {
      if (valuesShared) {
        values = values.clone();
        valuesShared = false;
      }
      return values;
    }

    /** Sets a field only when it has no value yet. */
    public <T> Builder setIfAbsent(Field<T> field, T value) {
      if (values[field.index()] == null) {
        set(field, value);
      }
      return this;
    }

    /** Removes a field. */
    public Builder remove(Field<?> field) {
      if (values[field.index()] != null) {
        writable()[field.index()] = null;
      }
      return this;
    }

    /** The value set so far, or {@code null}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Field<T> field) {
      return (T) values[field.index()];
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

    public IdentityEvent build() {
      Map<String, String> c =
          claims.isEmpty()
              ? Collections.emptyMap()
              : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
      valuesShared = true;
      return new IdentityEvent(values, c);
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

  /**
   * The unmodifiable list a builder stores: strings already cleaned, none null. Knowing its own
   * lists lets a builder take one that another builder cleaned without copying it again.
   */
  private static final class CleanList extends AbstractList<String> implements RandomAccess {
    private final String[] items;
    private final int longest;

    CleanList(String[] items) {
      this.items = items;
      int l = 0;
      for (String s : items) {
        l = Math.max(l, s.length());
      }
      this.longest = l;
    }

    boolean within(Limits limits) {
      return items.length <= limits.maxArraySize() && longest <= limits.maxStringLength();
    }

    @Override
    public String get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }
}
