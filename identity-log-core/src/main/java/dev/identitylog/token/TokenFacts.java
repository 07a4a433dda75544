package dev.identitylog.token;

import dev.identitylog.cert.SpiffeId;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.PreparedFields;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.internal.Weights;
import dev.identitylog.outcome.Reason;
import dev.identitylog.redact.Sanitizer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a bearer token says about the request, without the token itself: its type, a hash that joins
 * the same token across hops, and the claims and header values of section 3 of the standard.
 * Immutable and thread-safe; made by {@link TokenInspector#inspect(String)}.
 *
 * <p>Nothing here can reproduce the token: no signature, no encoded part, no raw value. Claims
 * beyond the standard's appear only when allowlisted ({@link #claims()}). Values are as found in
 * the token; cleaning and truncation to the configured limits happen when they are put on an {@link
 * IdentityEvent}.
 *
 * <p>Accessors documented as "or {@code null}" return {@code null} when the token does not carry
 * the value (or carries it with the wrong JSON type); list accessors return an empty list instead.
 */
public final class TokenFacts {
  private final TokenType type;
  private final String hash;
  private final Reason problem;
  private final String issuer;
  private final String subject;
  // Read once per token: the exchange asks on every request whose verified token it serves.
  private final boolean subjectIsSpiffeId;
  private final String id;
  private final String clientId;
  private final List<String> audience;
  private final List<String> scopes;
  private final Instant issuedAt;
  private final Instant notBefore;
  private final Instant expiresAt;
  private final String alg;
  private final String kid;
  private final String cnfX5tS256;

  /** The token has a {@code cnf.x5t#S256} member, whatever its JSON type. */
  private final boolean certBound;

  /** The payload was read (a JWS or an unsecured JWT, not a JWE): binding can be judged. */
  private final boolean claimsRead;

  private final List<String> actorChain;
  private final Boolean verified;
  private final Map<String, String> claims;

  /**
   * The fields this token puts on every event (all but the binding, which depends on the request's
   * certificate, and the extra claims), cleaned once under the default limits: a warm request
   * copies them instead of cleaning each again. {@code null} when putting them one by one would
   * also remove a field (a value that cleans to nothing), which a copy cannot do.
   */
  private final PreparedFields prepared;

  /**
   * An estimate of the heap these facts retain, in bytes, for the cache's byte budget: the object
   * (a header, twenty references and two booleans) and every string, list, map and time it
   * holds. Strings shared with other objects are counted as if they were not, so this errs high.
   */
  long retainedBytes() {
    return 96
        + Weights.of(hash)
        + Weights.of(issuer)
        + Weights.of(subject)
        + Weights.of(id)
        + Weights.of(clientId)
        + Weights.of(audience)
        + Weights.of(scopes)
        + (issuedAt == null ? 0 : Weights.INSTANT)
        + (notBefore == null ? 0 : Weights.INSTANT)
        + (expiresAt == null ? 0 : Weights.INSTANT)
        + Weights.of(alg)
        + Weights.of(kid)
        + Weights.of(cnfX5tS256)
        + Weights.of(actorChain)
        + (verified == null ? 0 : 16)
        + Weights.of(claims)
        + (prepared == null
            ? 0
            : Weights.of(
                prepared, hash, issuer, subject, id, clientId, audience, scopes, alg, kid,
                cnfX5tS256, actorChain));
  }

  private TokenFacts(Builder b) {
    this.type = b.type;
    this.hash = b.hash;
    this.problem = b.problem;
    this.issuer = b.issuer;
    this.subject = b.subject;
    this.subjectIsSpiffeId =
        subject != null && subject.startsWith("spiffe://") && SpiffeId.isValid(subject);
    this.id = b.id;
    this.clientId = b.clientId;
    this.audience = frozen(b.audience);
    this.scopes = frozen(b.scopes);
    this.issuedAt = b.issuedAt;
    this.notBefore = b.notBefore;
    this.expiresAt = b.expiresAt;
    this.alg = b.alg;
    this.kid = b.kid;
    this.cnfX5tS256 = b.cnfX5tS256;
    this.certBound = b.certBound;
    this.claimsRead = b.claimsRead;
    this.actorChain = frozen(b.actorChain);
    this.verified = b.verified;
    this.claims =
        b.claims == null || b.claims.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(b.claims);
    this.prepared = PreparedFields.of(this::putFields);
  }

  private static List<String> frozen(List<String> list) {
    return list == null || list.isEmpty()
        ? Collections.emptyList()
        : Collections.unmodifiableList(list);
  }

  static Builder builder(TokenType type, String hash) {
    return new Builder(type, hash);
  }

  /** {@code identity.token.type}: a JWT (JWS, unsecured or JWE), opaque, or malformed. */
  public TokenType type() {
    return type;
  }

  /**
   * {@code identity.token.hash}: the first 16 bytes of SHA-256 over the raw token's UTF-8 bytes, or
   * of HMAC-SHA256 when a hash key is configured, as 32 lowercase hex. Always present.
   */
  public String hash() {
    return hash;
  }

  /** The {@code iss} claim, or {@code null}. */
  public String issuer() {
    return issuer;
  }

  /**
   * The {@code sub} claim, or {@code null}. When subject pseudonymisation is configured, a subject
   * that is not a {@code spiffe://} workload id is replaced by {@code "anon:"} followed by the
   * first 16 bytes of HMAC-SHA256(pseudonym key, UTF-8 subject) as 32 lowercase hex: stable for one
   * key, so one user's requests still join, but not reversible without the key.
   */
  public String subject() {
    return subject;
  }

  /** Whether {@link #subject()} is a valid SPIFFE ID: a workload's name rather than a person's. */
  public boolean subjectIsSpiffeId() {
    return subjectIsSpiffeId;
  }

  /** The {@code jti} claim, or {@code null}. */
  public String id() {
    return id;
  }

  /** The {@code client_id} claim, else {@code azp}, or {@code null}. */
  public String clientId() {
    return clientId;
  }

  /** The {@code aud} claim, written as a string or an array; empty when absent. */
  public List<String> audience() {
    return audience;
  }

  /**
   * The {@code scope} claim split on spaces, else {@code scp} (an array, or a space-separated
   * string); empty when absent.
   */
  public List<String> scopes() {
    return scopes;
  }

  /** The {@code iat} claim, or {@code null}. */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** The {@code nbf} claim, or {@code null}. */
  public Instant notBefore() {
    return notBefore;
  }

  /** The {@code exp} claim, or {@code null}. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The JOSE header's {@code alg} (for a JWE: the key management algorithm), or {@code null}. */
  public String alg() {
    return alg;
  }

  /** The JOSE header's {@code kid}, or {@code null}. */
  public String kid() {
    return kid;
  }

  /** The RFC 8705 confirmation {@code cnf.x5t#S256} exactly as in the token, or {@code null}. */
  public String cnfX5tS256() {
    return cnfX5tS256;
  }

  /**
   * RFC 8693 actor chain: the {@code sub} of the {@code act} claim (the current actor) first, then
   * of each nested {@code act}, at most 16 deep; empty when the token has no {@code act}.
   */
  public List<String> actorChain() {
    return actorChain;
  }

  /**
   * Whether the signature verified against the configured keys; {@code null} when it was not
   * checked (no keys configured, or not a signed JWT).
   */
  public Boolean verified() {
    return verified;
  }

  /**
   * The allowlisted extra claims present in the token, in allowlist order: objects as JSON, arrays
   * as their items joined by a space, other values as their JSON text. Never null.
   */
  public Map<String, String> claims() {
    return claims;
  }

  /**
   * Why the token cannot be trusted as presented, or {@code null}: {@link
   * Reason#CREDENTIAL_MALFORMED} for a token with forbidden characters, one over the size limit, or
   * one shaped like a JWT that does not parse; {@link Reason#TOKEN_INVALID} when verification keys
   * are configured and the signature did not verify.
   */
  public Reason problem() {
    return problem;
  }

  /** Whether the token has an {@code exp} and {@code now} is at or after it (RFC 7519 4.1.4). */
  public boolean expired(Instant now) {
    Objects.requireNonNull(now, "now");
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Whether the token has an {@code nbf} and {@code now} is before it (RFC 7519 4.1.5). */
  public boolean notYetValid(Instant now) {
    Objects.requireNonNull(now, "now");
    return notBefore != null && now.isBefore(notBefore);
  }

  /**
   * The RFC 8705 binding of this token to the client certificate this hop saw.
   *
   * @param clientCertSha256UpperHex SHA-256 of the certificate's DER as hex ({@code
   *     tls.client.hash.sha256}), or {@code null} when no certificate was presented
   * @return {@link TokenBinding#UNBOUND} without {@code cnf.x5t#S256}; {@link TokenBinding#NO_CERT}
   *     when bound but no certificate was presented; {@link TokenBinding#BOUND} when the
   *     base64url-decoded thumbprint equals the certificate hash; otherwise (including a thumbprint
   *     that does not decode) {@link TokenBinding#MISMATCH}
   */
  public TokenBinding binding(String clientCertSha256UpperHex) {
    if (!certBound) {
      return TokenBinding.UNBOUND;
    }
    if (clientCertSha256UpperHex == null || clientCertSha256UpperHex.isEmpty()) {
      return TokenBinding.NO_CERT;
    }
    byte[] expected = base64Url(cnfX5tS256);
    byte[] actual = hex(clientCertSha256UpperHex);
    if (expected == null || actual == null || expected.length != 32) {
      return TokenBinding.MISMATCH;
    }
    return MessageDigest.isEqual(expected, actual) ? TokenBinding.BOUND : TokenBinding.MISMATCH;
  }

  /**
   * Puts these facts on an event: every {@code identity.token.*} field this token has, the
   * allowlisted claims, and, for a JWT whose claims were read, {@code identity.token.binding}
   * against the given certificate hash. Fields the token does not have are left as they are.
   */
  public IdentityEvent.Builder applyTo(
      IdentityEvent.Builder event, String clientCertSha256UpperHex) {
    if (!PreparedFields.copyInto(prepared, event)) {
      putFields(event);
    }
    if (type == TokenType.JWT && claimsRead) {
      put(event, Fields.TOKEN_BINDING, binding(clientCertSha256UpperHex));
    }
    for (Map.Entry<String, String> e : claims.entrySet()) {
      event.claim(e.getKey(), e.getValue());
    }
    return event;
  }

  /** Sets every field but the binding and the claims; returns how many values were given. */
  private int putFields(IdentityEvent.Builder event) {
    return put(event, Fields.TOKEN_TYPE, type)
        + put(event, Fields.TOKEN_HASH, hash)
        + put(event, Fields.TOKEN_ISSUER, issuer)
        + put(event, Fields.TOKEN_SUBJECT, subject)
        + put(event, Fields.TOKEN_ID, id)
        + put(event, Fields.TOKEN_CLIENT_ID, clientId)
        + put(event, Fields.TOKEN_AUDIENCE, audience.isEmpty() ? null : audience)
        + put(event, Fields.TOKEN_SCOPES, scopes.isEmpty() ? null : scopes)
        + put(event, Fields.TOKEN_ISSUED_AT, issuedAt)
        + put(event, Fields.TOKEN_NOT_BEFORE, notBefore)
        + put(event, Fields.TOKEN_EXPIRES_AT, expiresAt)
        + put(event, Fields.TOKEN_ALG, alg)
        + put(event, Fields.TOKEN_KID, kid)
        + put(event, Fields.TOKEN_CNF_X5T_S256, cnfX5tS256)
        + put(event, Fields.TOKEN_ACTOR_CHAIN, actorChain.isEmpty() ? null : actorChain)
        + put(event, Fields.TOKEN_VERIFIED, verified);
  }

  private static <T> int put(IdentityEvent.Builder event, Field<T> field, T value) {
    if (value == null) {
      return 0;
    }
    event.set(field, value);
    return 1;
  }

  private static byte[] base64Url(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] hex(String s) {
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TokenFacts)) {
      return false;
    }
    TokenFacts f = (TokenFacts) o;
    return type == f.type
        && hash.equals(f.hash)
        && problem == f.problem
        && certBound == f.certBound
        && claimsRead == f.claimsRead
        && Objects.equals(issuer, f.issuer)
        && Objects.equals(subject, f.subject)
        && Objects.equals(id, f.id)
        && Objects.equals(clientId, f.clientId)
        && audience.equals(f.audience)
        && scopes.equals(f.scopes)
        && Objects.equals(issuedAt, f.issuedAt)
        && Objects.equals(notBefore, f.notBefore)
        && Objects.equals(expiresAt, f.expiresAt)
        && Objects.equals(alg, f.alg)
        && Objects.equals(kid, f.kid)
        && Objects.equals(cnfX5tS256, f.cnfX5tS256)
        && actorChain.equals(f.actorChain)
        && Objects.equals(verified, f.verified)
        && claims.equals(f.claims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, hash, problem, subject, expiresAt, verified);
  }

  /** The facts, never the token; values are cleaned of control characters and shortened. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(160).append("TokenFacts{type=").append(type.code());
    sb.append(", hash=").append(hash);
    append(sb, "problem", problem == null ? null : problem.code());
    append(sb, "alg", alg);
    append(sb, "kid", kid);
    append(sb, "iss", issuer);
    append(sb, "sub", subject);
    append(sb, "jti", id);
    append(sb, "client_id", clientId);
    append(sb, "aud", audience.isEmpty() ? null : audience.toString());
    append(sb, "scopes", scopes.isEmpty() ? null : scopes.toString());
    append(sb, "iat", issuedAt == null ? null : issuedAt.toString());
    append(sb, "nbf", notBefore == null ? null : notBefore.toString());
    append(sb, "exp", expiresAt == null ? null : expiresAt.toString());
    append(sb, "cnf.x5t#S256", cnfX5tS256);
    append(sb, "act", actorChain.isEmpty() ? null : actorChain.toString());
    append(sb, "verified", verified == null ? null : verified.toString());
    append(sb, "claims", claims.isEmpty() ? null : claims.toString());
    return sb.append('}').toString();
  }

  private static void append(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append(", ").append(name).append('=').append(Sanitizer.clean(value, 200));
    }
  }

  /** Collects the facts while a token is read. Not thread-safe; used by one inspection. */
  static final class Builder {
    private final TokenType type;
    private final String hash;
    Reason problem;
    String issuer;
    String subject;
    String id;
    String clientId;
    List<String> audience;
    List<String> scopes;
    Instant issuedAt;
    Instant notBefore;
    Instant expiresAt;
    String alg;
    String kid;
    String cnfX5tS256;
    boolean certBound;
    boolean claimsRead;
    List<String> actorChain;
    Boolean verified;
    Map<String, String> claims;

    private Builder(TokenType type, String hash) {
      this.type = Objects.requireNonNull(type, "type");
      this.hash = Objects.requireNonNull(hash, "hash");
    }

    TokenFacts build() {
      return new TokenFacts(this);
    }
  }
}
