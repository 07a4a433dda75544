package dev.identitylog.redact;

/**
 * Size limits of SPEC section 7: how long a string value may be, how many items an array may hold,
 * and how large a header value may be before it is not parsed at all. Immutable.
 */
public final class Limits {
  public static final int DEFAULT_MAX_STRING_LENGTH = 512;
  public static final int DEFAULT_MAX_ARRAY_SIZE = 32;
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

  private static final Limits DEFAULTS =
      new Limits(DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_ARRAY_SIZE, DEFAULT_MAX_HEADER_BYTES);

  private final int maxStringLength;
  private final int maxArraySize;
  private final int maxHeaderBytes;

  private Limits(int maxStringLength, int maxArraySize, int maxHeaderBytes) {
    this.maxStringLength = maxStringLength;
    this.maxArraySize = maxArraySize;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** 512 characters, 32 items, 16 KiB. */
  public static Limits defaults() {
    return DEFAULTS;
  }

  /**
   * Limits with these values.
   *
   * @throws IllegalArgumentException when a value is below a floor that keeps events usable (a
   *     string limit below 16 would cut hashes and ids)
   */
  public static Limits of(int maxStringLength, int maxArraySize, int maxHeaderBytes) {
    if (maxStringLength < 64) {
      throw new IllegalArgumentException("maxStringLength must be at least 64: " + maxStringLength);
    }
    if (maxArraySize < 1) {
      throw new IllegalArgumentException("maxArraySize must be at least 1: " + maxArraySize);
    }
    if (maxHeaderBytes < 256) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 256: " + maxHeaderBytes);
    }
    return new Limits(maxStringLength, maxArraySize, maxHeaderBytes);
  }

  public int maxStringLength() {
    return maxStringLength;
  }

  public int maxArraySize() {
    return maxArraySize;
  }

  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** Whether a header value is too large to be parsed (counted in UTF-16 units, a lower bound). */
  public boolean headerTooLarge(CharSequence value) {
    return value != null && value.length() > maxHeaderBytes;
  }

  @Override
  public String toString() {
    return "Limits{string=" + maxStringLength + ", array=" + maxArraySize + ", header="
        + maxHeaderBytes + "}";
  }
}
