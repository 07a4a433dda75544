package dev.identitylog.internal.exchange;

import java.util.Iterator;

/**
 * The request headers the server side may read, each with a bit, so that one pass over the names a
 * request carries tells which of them are worth asking for. The core asks for about twenty names
 * per request (trace formats, request and edge ids, forwarded identity, the credential) of which a
 * request usually carries two or three; on a servlet container each question goes through the
 * request wrappers into the container's fields.
 *
 * <p>A name not in this table (a configured request-id or PEM header, a trace format added later)
 * has no bit and is always asked for, so the table can only save questions, never lose a header.
 * Names are matched ignoring ASCII case, as HTTP header names are tokens (RFC 9110 section 5.1);
 * a request that lists a name with any other character gets no answer from here ({@link #ALL}), so
 * that Unicode case folding cannot make a name match here differently than in the container.
 */
final class KnownHeaders {
  /** Every header may be present: the adapter could not list them, or listed one we cannot fold. */
  static final long ALL = -1L;

  /** Bits of the headers only a proxy or CDN sends: the forwarded identity and addresses. */
  static final long FORWARDED;

  private static final String[] NAMES = {
    // trace context (propagation.TraceContextExtractor)
    "traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags",
    "x-amzn-trace-id",
    // ids
    "x-request-id", "cf-ray", "x-amz-cf-id",
    // the credential
    "authorization",
    // forwarded identity and addresses (ForwardedHeaders); keep FORWARDED_FROM below in step
    "x-forwarded-client-cert", "client-cert", "client-cert-chain", "forwarded", "x-forwarded-for",
    "cf-cert-presented", "cf-cert-subject-dn-rfc2253", "cf-cert-subject-dn",
    "cf-cert-issuer-dn-rfc2253", "cf-cert-issuer-dn", "cf-cert-fingerprint-sha256",
    "cf-cert-serial",
  };

  private static final int FORWARDED_FROM = 12;

  /** Open addressing over the folded hash; a power of two well above the names' count. */
  private static final int SLOTS = 128;

  private static final String[] SLOT_NAME = new String[SLOTS];
  private static final int[] SLOT_HASH = new int[SLOTS];
  private static final byte[] SLOT_INDEX = new byte[SLOTS];

  static {
    long forwarded = 0;
    for (int i = 0; i < NAMES.length; i++) {
      int hash = foldedHash(NAMES[i]);
      int slot = hash & (SLOTS - 1);
      while (SLOT_NAME[slot] != null) {
        slot = (slot + 1) & (SLOTS - 1);
      }
      SLOT_NAME[slot] = NAMES[i];
      SLOT_HASH[slot] = hash;
      SLOT_INDEX[slot] = (byte) i;
      if (i >= FORWARDED_FROM) {
        forwarded |= 1L << i;
      }
    }
    FORWARDED = forwarded;
  }

  private KnownHeaders() {}

  /**
   * The bits of the known headers among {@code names}; {@link #ALL} when {@code names} is null
   * or holds a name that is not plain ASCII (then nothing may be concluded from the listing).
   */
  static long present(Iterator<String> names) {
    if (names == null) {
      return ALL;
    }
    long present = 0;
    while (names.hasNext()) {
      String name = names.next();
      if (name == null) {
        continue;
      }
      int hash = foldedHash(name);
      if (hash == NOT_ASCII) {
        return ALL;
      }
      int index = index(name, hash);
      if (index >= 0) {
        present |= 1L << index;
      }
    }
    return present;
  }

  /**
   * The core's own spellings of the names, by their {@code String.hashCode} (cached in each
   * constant), so that the question for a header costs a field read and a reference comparison
   * rather than a pass over its characters.
   */
  private static final String[] ASKED = new String[SLOTS];

  private static final long[] ASKED_BIT = new long[SLOTS];

  static {
    String[] spellings = {
      "traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled",
      "x-b3-flags", "x-amzn-trace-id", "X-Request-ID", "CF-Ray", "X-Amz-Cf-Id", "Authorization",
      "x-forwarded-client-cert", "Client-Cert", "Client-Cert-Chain", "Forwarded",
      "X-Forwarded-For", "cf-cert-presented", "cf-cert-subject-dn-rfc2253", "cf-cert-subject-dn",
      "cf-cert-issuer-dn-rfc2253", "cf-cert-issuer-dn", "cf-cert-fingerprint-sha256",
      "cf-cert-serial",
    };
    for (String spelling : spellings) {
      int slot = spelling.hashCode() & (SLOTS - 1);
      while (ASKED[slot] != null) {
        slot = (slot + 1) & (SLOTS - 1);
      }
      ASKED[slot] = spelling;
      ASKED_BIT[slot] = foldedBit(spelling);
    }
  }

  /** The bit of this header name, or 0 when it is not a known one (then it is always asked for). */
  static long bit(String name) {
    int slot = name.hashCode() & (SLOTS - 1);
    String asked;
    while ((asked = ASKED[slot]) != null) {
      if (asked == name || asked.equals(name)) {
        return ASKED_BIT[slot];
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    return foldedBit(name); // another spelling, or a configured name
  }

  private static long foldedBit(String name) {
    int hash = foldedHash(name);
    if (hash == NOT_ASCII) {
      return 0;
    }
    int index = index(name, hash);
    return index < 0 ? 0 : 1L << index;
  }

  private static int index(String name, int hash) {
    int slot = hash & (SLOTS - 1);
    String candidate;
    while ((candidate = SLOT_NAME[slot]) != null) {
      if (SLOT_HASH[slot] == hash && candidate.length() == name.length()
          && candidate.regionMatches(true, 0, name, 0, name.length())) {
        return SLOT_INDEX[slot];
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    return -1;
  }

  /** Marks a name with a character outside ASCII; no folded hash is ever this value. */
  private static final int NOT_ASCII = Integer.MIN_VALUE;

  /** A hash of the name with ASCII letters in lower case; {@link #NOT_ASCII} for any other char. */
  private static int foldedHash(String name) {
    int hash = 0;
    for (int i = 0, n = name.length(); i < n; i++) {
      char c = name.charAt(i);
      if (c >= 0x80) {
        return NOT_ASCII;
      }
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      hash = 31 * hash + c;
    }
    // Spread the bits into the slot's index; never NOT_ASCII (its low bits are all zero).
    hash ^= hash >>> 16;
    return hash == NOT_ASCII ? 0 : hash;
  }
}
