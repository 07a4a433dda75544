package dev.identitylog.correlate;

/**
 * Lets the events of one request share one instance of each id string (trace, span, request,
 * token hash) instead of holding a copy per event: the ids repeat on every hop, and the events of
 * requests in flight are what the correlator's memory is made of. Direct-mapped, so it costs one
 * hash and one comparison per id, allocates nothing, and never grows.
 */
final class IdCache {
  private static final int SIZE = 1 << 13;

  private final String[] slots = new String[SIZE];

  String share(String id) {
    if (id == null) {
      return null;
    }
    int i = (id.hashCode() ^ (id.hashCode() >>> 16)) & (SIZE - 1);
    String known = slots[i];
    if (id.equals(known)) {
      return known;
    }
    slots[i] = id;
    return id;
  }
}
