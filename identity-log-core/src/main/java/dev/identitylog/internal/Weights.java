package dev.identitylog.internal;

import dev.identitylog.event.PreparedFields;
import java.util.List;
import java.util.Map;

/**
 * Estimates of the heap that values retain, for the weighers of {@link BoundedCache}, on a 64-bit
 * JVM with compressed references (the default below 32 GiB of heap). Each figure is an object's
 * header and fields rounded up to 8 bytes; the estimates were checked against heap measured after
 * GC (see the core README).
 *
 * <p>Internal: not part of the API and may change between versions.
 */
public final class Weights {
  /** A {@code java.time.Instant}: header, a long and an int. */
  public static final int INSTANT = 24;
  /** An object reference in a field. */
  public static final int REFERENCE = 4;

  private static final int STRING = 24; // header, value reference, hash, coder, hashIsZero
  private static final int ARRAY = 16; // header and length
  private static final int LIST = 40; // an immutable or array-backed list and its array header
  private static final int MAP_ENTRY = 32; // a HashMap node
  private static final int MAP = 64; // a HashMap and its table header

  private Weights() {}

  /** A string: the object and its byte array (one byte a char when Latin-1, else two). */
  public static long of(String s) {
    if (s == null) {
      return 0;
    }
    return STRING + align(ARRAY + (long) s.length() * (latin1(s) ? 1 : 2));
  }

  /** A list of strings. */
  public static long of(List<String> list) {
    if (list == null) {
      return 0;
    }
    long total = LIST + align((long) REFERENCE * list.size());
    for (int i = 0, n = list.size(); i < n; i++) {
      total += of(list.get(i));
    }
    return total;
  }

  /** A map of strings to strings. */
  public static long of(Map<String, String> map) {
    if (map == null) {
      return 0;
    }
    long total = MAP + align((long) REFERENCE * 2 * map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      total += MAP_ENTRY + of(e.getKey()) + of(e.getValue());
    }
    return total;
  }

  /**
   * Prepared fields: the object, its two arrays, and each value that is not one of {@code shared}
   * (the facts' own strings and lists, which the same estimate counts already). A value cleaning
   * changed is a new object and counted; Instants, Booleans and codes are shared constants or the
   * facts' own.
   */
  public static long of(PreparedFields fields, Object... shared) {
    int n = fields.size();
    long total = 48 + ofBytes(n) + align(ARRAY + (long) REFERENCE * n);
    for (int k = 0; k < n; k++) {
      Object v = fields.value(k);
      if (isShared(v, shared)) {
        continue;
      }
      if (v instanceof String) {
        total += of((String) v);
      } else if (v instanceof List) {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) v;
        total += of(list);
      }
    }
    return total;
  }

  private static boolean isShared(Object v, Object[] shared) {
    for (Object s : shared) {
      if (s == v) {
        return true;
      }
    }
    return false;
  }

  /** A byte array. */
  public static long ofBytes(int length) {
    return align(ARRAY + (long) length);
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  private static boolean latin1(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) > 0xFF) {
        return false;
      }
    }
    return true;
  }
}
