package dev.identitylog.trust;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which immediate peers may vouch for forwarded identity (SPEC section 6): address ranges, mTLS
 * peer SPIFFE IDs and mTLS peer certificate SHA-256 thumbprints. A peer is trusted when any rule
 * matches. Immutable and thread-safe.
 *
 * <p>The default, {@link #none()}, trusts no one: forwarded identity headers are then ignored and
 * flagged. All validation happens when the rules are built (configuration time), so the request
 * path never throws; a check allocates nothing beyond the parsed address bytes.
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE =
      new TrustedProxies(new AddressRange[0], Set.of(), new String[0]);

  private static final String SPIFFE_SCHEME = "spiffe://";
  private static final String SHA256_PREFIX = "sha256:";

  private final AddressRange[] ranges;
  private final Set<String> spiffeIds;
  private final String[] certificateHashes; // 64 uppercase hex each

  private TrustedProxies(AddressRange[] ranges, Set<String> spiffeIds, String[] hashes) {
    this.ranges = ranges;
    this.spiffeIds = spiffeIds;
    this.certificateHashes = hashes;
  }

  /** Trusts no peer: the default. */
  public static TrustedProxies none() {
    return NONE;
  }

  /** A builder for rules set in code. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Rules from text configuration: comma-separated entries, each an IPv4 or IPv6 address or CIDR
   * range ({@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32}), a SPIFFE ID
   * ({@code spiffe://example.org/edge}) or a certificate thumbprint ({@code sha256:} followed by
   * 64 hex digits, any case, colons allowed). Blank entries are skipped; null or blank text gives
   * {@link #none()}.
   *
   * @throws IllegalArgumentException naming the first entry that is not one of these
   */
  public static TrustedProxies parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return NONE;
    }
    Builder builder = builder();
    for (String raw : commaSeparated.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      if (startsWithIgnoreCase(entry, SPIFFE_SCHEME)) {
        builder.spiffeId(entry);
      } else if (startsWithIgnoreCase(entry, SHA256_PREFIX)) {
        builder.certificateSha256(entry.substring(SHA256_PREFIX.length()));
      } else {
        builder.addressRange(entry);
      }
    }
    return builder.build();
  }

  /** Whether there is no rule at all (nothing is trusted). */
  public boolean isEmpty() {
    return ranges.length == 0 && spiffeIds.isEmpty() && certificateHashes.length == 0;
  }

  /**
   * Whether any rule trusts a peer by its mTLS identity (SPIFFE ID or certificate thumbprint).
   * Such rules are only as strong as the verification of the peer's certificate: a hop where
   * nothing verifies it must not apply them (see {@code IdentityLog.Builder}).
   */
  public boolean hasCertificateRules() {
    return !spiffeIds.isEmpty() || certificateHashes.length > 0;
  }

  /**
   * Whether the peer is trusted by any rule: its address in a range, its SPIFFE ID listed, or its
   * certificate thumbprint (64 hex digits, any case) pinned. Any argument may be null.
   */
  public boolean trusts(String peerAddress, String peerSpiffeId, String peerCertSha256) {
    if (peerSpiffeId != null && !spiffeIds.isEmpty() && spiffeIds.contains(peerSpiffeId)) {
      return true;
    }
    if (peerCertSha256 != null && peerCertSha256.length() == 64) {
      for (String pinned : certificateHashes) {
        if (pinned.equalsIgnoreCase(peerCertSha256)) {
          return true;
        }
      }
    }
    return peerAddress != null && trustsAddress(peerAddress);
  }

  /**
   * Whether the address is in a trusted range. Accepts what servers report for a peer: a bare
   * literal, an IPv6 literal in brackets, an IPv6 zone suffix. False for null, for anything that
   * is not an IP literal, and always when no range is configured.
   */
  public boolean trustsAddress(String address) {
    if (ranges.length == 0 || address == null) {
      return false;
    }
    byte[] bytes = IpAddresses.parsePeer(address);
    if (bytes == null) {
      return false;
    }
    if (IpAddresses.isV4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    for (AddressRange range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The rules, in the text form {@link #parse(String)} accepts. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (AddressRange range : ranges) {
      parts.add(range.toString());
    }
    parts.addAll(spiffeIds);
    for (String hash : certificateHashes) {
      parts.add(SHA256_PREFIX + hash);
    }
    return "TrustedProxies[" + String.join(", ", parts) + "]";
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /**
   * Checks a SPIFFE ID against the SPIFFE ID specification: {@code spiffe://} (lowercase), a
   * trust domain of lowercase letters, digits, dots, dashes and underscores, and an optional path
   * of non-empty segments of letters, digits, dots, dashes and underscores (not {@code .} or
   * {@code ..}), no trailing slash, no query or fragment, at most 2048 bytes.
   */
  static String spiffeProblem(String id) {
    if (!id.startsWith(SPIFFE_SCHEME)) {
      return "the scheme must be \"spiffe://\" in lowercase";
    }
    if (id.length() > 2048) {
      return "longer than 2048 characters";
    }
    int i = SPIFFE_SCHEME.length();
    int start = i;
    while (i < id.length() && id.charAt(i) != '/') {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
          || c == '_')) {
        return "the trust domain may hold only lowercase letters, digits, '.', '-' and '_'";
      }
      i++;
    }
    if (i == start) {
      return "the trust domain is empty";
    }
    while (i < id.length()) {
      i++; // the '/'
      int segment = i;
      while (i < id.length() && id.charAt(i) != '/') {
        char c = id.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '-' || c == '_')) {
          return "the path may hold only letters, digits, '.', '-' and '_' between slashes";
        }
        i++;
      }
      int length = i - segment;
      if (length == 0) {
        return "the path has an empty segment or a trailing slash";
      }
      if ((length == 1 && id.charAt(segment) == '.')
          || (length == 2 && id.charAt(segment) == '.' && id.charAt(segment + 1) == '.')) {
        return "the path has a '.' or '..' segment";
      }
    }
    return null;
  }

  /** Collects rules; each method validates its argument at once. Not thread-safe. */
  public static final class Builder {
    private final List<AddressRange> ranges = new ArrayList<>();
    private final Set<String> spiffeIds = new LinkedHashSet<>();
    private final Set<String> hashes = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Trusts an IPv4 or IPv6 address or CIDR range ({@code 10.0.0.0/8}, {@code 192.0.2.7},
     * {@code 2001:db8::/32}, {@code ::1}). Only literals: host names are refused, never resolved.
     *
     * @throws IllegalArgumentException when it is not an address or range, or has host bits set
     */
    public Builder addressRange(String cidrOrAddress) {
      if (cidrOrAddress == null) {
        throw new IllegalArgumentException("address range is null");
      }
      ranges.add(AddressRange.parse(cidrOrAddress));
      return this;
    }

    /**
     * Trusts a peer whose mTLS certificate carries exactly this SPIFFE ID.
     *
     * @throws IllegalArgumentException when it is not a valid SPIFFE ID
     */
    public Builder spiffeId(String spiffeId) {
      if (spiffeId == null) {
        throw new IllegalArgumentException("SPIFFE ID is null");
      }
      String id = spiffeId.strip();
      String problem = spiffeProblem(id);
      if (problem != null) {
        throw new IllegalArgumentException("not a SPIFFE ID: \"" + spiffeId + "\": " + problem);
      }
      spiffeIds.add(id);
      return this;
    }

    /**
     * Trusts a peer whose mTLS certificate has this SHA-256 thumbprint (of its DER encoding): 64
     * hex digits in any case, optionally with colons between bytes.
     *
     * @throws IllegalArgumentException when it is not 32 bytes of hex
     */
    public Builder certificateSha256(String hex) {
      if (hex == null) {
        throw new IllegalArgumentException("certificate SHA-256 is null");
      }
      String digits = hex.strip().replace(":", "");
      boolean ok = digits.length() == 64;
      for (int i = 0; ok && i < digits.length(); i++) {
        char c = digits.charAt(i);
        ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      }
      if (!ok) {
        throw new IllegalArgumentException("not a certificate SHA-256: \"" + hex
            + "\" (expected 64 hex digits, optionally separated by colons)");
      }
      hashes.add(digits.toUpperCase(Locale.ROOT));
      return this;
    }

    /** The rules collected so far; {@link TrustedProxies#none()} when there are none. */
    public TrustedProxies build() {
      if (ranges.isEmpty() && spiffeIds.isEmpty() && hashes.isEmpty()) {
        return NONE;
      }
      return new TrustedProxies(ranges.toArray(new AddressRange[0]),
          Collections.unmodifiableSet(new LinkedHashSet<>(spiffeIds)), hashes.toArray(new String[0]));
    }
  }
}
