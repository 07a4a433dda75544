package dev.identitylog.token;

import dev.identitylog.internal.BoundedCache;
import dev.identitylog.internal.Weights;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.Reason;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a raw bearer token into {@link TokenFacts}. Thread-safe; build one per application and
 * share it. Configured with {@link #builder()}; {@link #defaults()} hashes with plain SHA-256,
 * verifies nothing, keeps no extra claims and caches up to 10 000 tokens.
 *
 * <p>Classification: a value longer than the size limit, or with a character outside the RFC 7235
 * {@code token68} alphabet, is {@link TokenType#MALFORMED}. A value with exactly two dots must be a
 * JWS or unsecured JWT (three base64url parts, a JSON header with {@code alg}, a JSON object
 * payload) and one with four dots a JWE (header facts only); if it is not, it is malformed too.
 * Anything else is {@link TokenType#OPAQUE}, of which only the hash is known. Parsing never checks
 * the signature; when {@link Builder#verificationKeys(JWKSet) keys} are configured the signature is
 * checked as a separate step.
 *
 * <p>Results of well-formed tokens are cached per raw value, because a client sends the same token
 * on many requests and verifying a signature costs far more than a map look-up. The cached facts do
 * not depend on the time: {@link TokenFacts#expired(java.time.Instant)} is evaluated by the caller.
 * The cache is bounded in entries and in bytes ({@link Builder#cacheBytes}): an entry weighs the raw
 * token string (the key, one byte a character) plus its facts ({@code TokenFacts.retainedBytes()}),
 * so clients sending many large distinct tokens cannot hold more than the budget.
 */
public final class TokenInspector {
  /** Default number of tokens whose facts are kept. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** Default size limit of a token, in characters: 16 KiB. */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;

  /** Default byte budget of the cache: 8 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 8L * 1024 * 1024;

  /**
   * Tokens longer than this are inspected but not cached: a token that large is unusual, and one
   * entry should never take a large share of the budget.
   */
  static final int MAX_CACHED_LENGTH = 8 * 1024;

  /** The part of the cache's byte budget that {@link RecentTokens} may retain: one sixteenth. */
  static final int RECENT_SHARE = 16;

  private static final String PSEUDONYM_PREFIX = "anon:";
  private static final String SPIFFE_PREFIX = "spiffe://";

  private static final TokenInspector DEFAULTS = builder().build();

  private final Digests tokenHash;
  private final boolean hashKeyed;
  private final Digests pseudonyms;
  private final SignatureKeys keys;
  private final List<String> allowedClaims;
  private final BoundedCache<String, TokenFacts> cache;
  private final RecentTokens recent;
  private final long cacheBytes;
  private final int maxTokenLength;

  private TokenInspector(Builder b) {
    this.tokenHash = b.hashKey == null ? Digests.sha256() : Digests.hmacSha256(b.hashKey);
    this.hashKeyed = b.hashKey != null;
    this.pseudonyms = b.pseudonymKey == null ? null : Digests.hmacSha256(b.pseudonymKey);
    this.keys = b.keys == null ? null : SignatureKeys.of(b.keys);
    this.allowedClaims = Collections.unmodifiableList(new ArrayList<>(b.allowedClaims));
    // The warm-header table takes a sixteenth of the byte budget and the cache the rest, so the
    // two together stay within what was configured.
    long recentBytes = b.cacheBytes / RECENT_SHARE;
    this.cacheBytes = b.cacheBytes;
    this.cache =
        b.cacheSize == 0
            ? null
            : BoundedCache.create(
                b.cacheSize,
                Math.max(1, b.cacheBytes - recentBytes),
                (token, facts) -> Weights.of(token) + facts.retainedBytes());
    // No larger than the cache: a small cache (a benchmark's first-seen case) stays first-seen.
    this.recent = b.cacheSize == 0 ? null : new RecentTokens(b.cacheSize, recentBytes);
    this.maxTokenLength = b.maxTokenLength;
  }

  /** An inspector with the default settings; shared. */
  public static TokenInspector defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The facts of a raw token (the credential without its scheme, e.g. from {@link
   * Credentials#bearerToken(String)}). Never throws: whatever the input, the result describes it,
   * malformed input included.
   *
   * @return the facts, or {@code null} for a {@code null} or empty token
   */
  public TokenFacts inspect(String rawToken) {
    if (rawToken == null || rawToken.isEmpty()) {
      return null;
    }
    try {
      if (cache != null) {
        TokenFacts cached = cache.get(rawToken);
        if (cached != null) {
          return cached;
        }
      }
      TokenFacts facts = read(rawToken);
      if (cache != null
          && facts.type() != TokenType.MALFORMED
          && rawToken.length() <= MAX_CACHED_LENGTH) {
        // Malformed values are cheap to classify again and are mostly noise or probing: keeping
        // them would only push useful entries out.
        cache.putIfAbsent(rawToken, facts);
      }
      return facts;
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      // A defect or an unexpected library failure must not reach the request; the token is
      // reported as malformed, which is what it is as far as this inspector could tell.
      return malformedOrNull(rawToken);
    }
  }

  /**
   * The facts of the token that {@code source} holds from {@code start} to {@code end}, as {@link
   * #inspect(String)} gives them for that token, e.g. the region {@link
   * Credentials#bearerTokenRegion(String)} found in an {@code Authorization} header. A header seen
   * recently is answered without cutting the token out of it. Never throws.
   *
   * @return the facts, or {@code null} for an empty region or one outside {@code source}
   */
  public TokenFacts inspect(String source, int start, int end) {
    if (source == null || start < 0 || end > source.length() || start >= end) {
      return null;
    }
    RecentTokens r = recent;
    if (r == null) {
      return inspect(source.substring(start, end));
    }
    try {
      TokenFacts known = r.get(source, start, end);
      if (known != null) {
        return known;
      }
      TokenFacts facts = inspect(source.substring(start, end));
      if (facts != null
          && facts.type() != TokenType.MALFORMED
          && end - start <= MAX_CACHED_LENGTH) {
        r.put(source, start, end, facts); // what the cache keeps, and nothing else
      }
      return facts;
    } catch (RuntimeException e) {
      return inspect(source.substring(start, end));
    }
  }

  private TokenFacts malformedOrNull(String rawToken) {
    try {
      return malformed(rawToken);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Facts of this token, computed without the cache. */
  TokenFacts read(String raw) {
    int len = raw.length();
    if (len > maxTokenLength) {
      return malformed(raw);
    }
    int dots = 0;
    boolean base64UrlOnly = true;
    for (int i = 0; i < len; i++) {
      char c = raw.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!isBase64Url(c)) {
        if (c == '~' || c == '+' || c == '/' || c == '=') {
          base64UrlOnly = false;
        } else {
          return malformed(raw);
        }
      }
    }
    if (dots == 2 || dots == 4) {
      return base64UrlOnly ? readJwt(raw) : malformed(raw);
    }
    return TokenFacts.builder(TokenType.OPAQUE, tokenHash.hex(raw)).build();
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private TokenFacts malformed(String raw) {
    TokenFacts.Builder b = TokenFacts.builder(TokenType.MALFORMED, tokenHash.hex(raw));
    b.problem = Reason.CREDENTIAL_MALFORMED;
    return b.build();
  }

  private TokenFacts readJwt(String raw) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(raw);
    } catch (ParseException e) {
      return malformed(raw);
    }
    if (!(jwt instanceof JOSEObject)
        || !startsAsObject(((JOSEObject) jwt).getParsedParts()[0].decodeToString())) {
      // The JSON parser also reads [["alg","RS256"]] as an object; the JOSE header must be one.
      return malformed(raw);
    }
    TokenFacts.Builder b = TokenFacts.builder(TokenType.JWT, tokenHash.hex(raw));
    Header header = jwt.getHeader();
    b.alg = header.getAlgorithm() == null ? null : header.getAlgorithm().getName();
    if (jwt instanceof EncryptedJWT) {
      b.kid = ((JWEHeader) header).getKeyID();
      return b.build(); // the claims are encrypted: header facts only
    }
    Payload payload;
    if (jwt instanceof SignedJWT) {
      b.kid = ((JWSHeader) header).getKeyID();
      payload = ((SignedJWT) jwt).getPayload();
    } else if (jwt instanceof PlainJWT) {
      payload = ((PlainJWT) jwt).getPayload();
    } else {
      return malformed(raw);
    }
    Map<String, Object> claims = payload == null ? null : jsonObject(payload.toString());
    if (claims == null) {
      return malformed(raw); // a JWS, but its payload is not a JSON claims set: not a JWT
    }
    readClaims(claims, b);
    if (keys != null) {
      boolean ok = jwt instanceof SignedJWT && keys.verify((JWSObject) jwt);
      b.verified = ok;
      if (!ok) {
        b.problem = Reason.TOKEN_INVALID;
      }
    }
    return b.build();
  }

  /** The JSON object this text holds, or {@code null} when it is not exactly one object. */
  private static Map<String, Object> jsonObject(String text) {
    if (!startsAsObject(text)) {
      return null;
    }
    try {
      return JSONObjectUtils.parse(text);
    } catch (ParseException e) {
      return null;
    }
  }

  private static boolean startsAsObject(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return c == '{';
      }
    }
    return false;
  }

  private void readClaims(Map<String, Object> json, TokenFacts.Builder b) {
    b.claimsRead = true;
    b.issuer = ClaimValues.string(json, "iss");
    b.subject = subject(ClaimValues.string(json, "sub"));
    b.id = ClaimValues.string(json, "jti");
    String clientId = ClaimValues.string(json, "client_id");
    b.clientId = clientId != null ? clientId : ClaimValues.string(json, "azp");
    b.audience = ClaimValues.strings(json.get("aud"));
    Object scope = json.get("scope");
    b.scopes = ClaimValues.spaceSeparated(scope != null ? scope : json.get("scp"));
    b.issuedAt = ClaimValues.time(json.get("iat"));
    b.notBefore = ClaimValues.time(json.get("nbf"));
    b.expiresAt = ClaimValues.time(json.get("exp"));
    Object thumbprint = ClaimValues.cnfThumbprint(json);
    if (thumbprint != null) {
      b.certBound = true;
      b.cnfX5tS256 = thumbprint instanceof String ? (String) thumbprint : null;
    }
    b.actorChain = ClaimValues.actors(json);
    if (!allowedClaims.isEmpty()) {
      Map<String, String> extra = null;
      for (String name : allowedClaims) {
        if (pseudonyms != null && "sub".equals(name)) {
          continue; // the allowlist must not undo pseudonymisation
        }
        String value = ClaimValues.render(json.get(name));
        if (value != null) {
          if (extra == null) {
            extra = new LinkedHashMap<>();
          }
          extra.put(name, value);
        }
      }
      b.claims = extra;
    }
  }

  private String subject(String sub) {
    if (sub == null || pseudonyms == null || sub.startsWith(SPIFFE_PREFIX)) {
      // A SPIFFE id names a workload, not a person, and is the workload id of section 3.
      return sub;
    }
    return PSEUDONYM_PREFIX + pseudonyms.hex(sub);
  }

  /** The cache, or {@code null} when caching is off. */
  RecentTokens recent() {
    return recent;
  }

  BoundedCache<String, TokenFacts> cache() {
    return cache;
  }

  @Override
  public String toString() {
    return "TokenInspector{hashKey="
        + (hashKeyed ? "set" : "none")
        + ", verificationKeys="
        + (keys == null ? "none" : keys.size())
        + ", allowedClaims="
        + allowedClaims
        + ", pseudonymizeSubject="
        + (pseudonyms != null)
        + ", cacheSize="
        + (cache == null ? 0 : cache.maxEntries())
        + ", cacheBytes="
        + (cache == null ? 0 : cacheBytes)
        + ", maxTokenLength="
        + maxTokenLength
        + "}";
  }

  /** Configuration of a {@link TokenInspector}. Not thread-safe; {@link #build()} copies it. */
  public static final class Builder {
    private byte[] hashKey;
    private byte[] pseudonymKey;
    private JWKSet keys;
    private final Set<String> allowedClaims = new LinkedHashSet<>();
    private int cacheSize = DEFAULT_CACHE_SIZE;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;

    private Builder() {}

    /**
     * Computes {@code identity.token.hash} as HMAC-SHA256 under this key instead of plain SHA-256,
     * so the hash cannot be used to confirm a guessed token. Every hop that should join on the hash
     * must use the same key. The key is copied.
     */
    public Builder hashKey(byte[] key) {
      this.hashKey = copyKey(key, "hashKey");
      return this;
    }

    /**
     * Checks JWS signatures against these keys; {@link TokenFacts#verified()} is then true or false
     * for every signed or unsecured JWT. Only public (and HMAC) key material is used.
     */
    public Builder verificationKeys(JWKSet keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** Extra claims reported in {@link TokenFacts#claims()}, by name; adds to earlier calls. */
    public Builder allowClaims(Collection<String> names) {
      for (String n : Objects.requireNonNull(names, "names")) {
        if (n != null && !n.isEmpty()) {
          allowedClaims.add(n);
        }
      }
      return this;
    }

    /** Same as {@link #allowClaims(Collection)}. */
    public Builder allowClaims(String... names) {
      return allowClaims(Arrays.asList(names));
    }

    /**
     * Replaces the subject by a keyed pseudonym (see {@link TokenFacts#subject()}); the key is
     * copied. {@code sub} is then never reported as an allowlisted claim either.
     */
    public Builder pseudonymizeSubject(byte[] key) {
      this.pseudonymKey = copyKey(key, "pseudonymizeSubject key");
      return this;
    }

    /** How many tokens' facts are cached (default 10 000); 0 turns caching off. */
    public Builder cacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("cacheSize must not be negative: " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /**
     * How many bytes the cached tokens and their facts may retain together (default 8 MiB,
     * estimated as the class comment says); the least recently used are evicted first. A
     * sixteenth of it is the share of the table of recently seen {@code Authorization} headers
     * that answers a warm request without cutting its token out.
     */
    public Builder cacheBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("cacheBytes must be positive: " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /** Tokens longer than this many characters are malformed and not parsed (default 16 KiB). */
    public Builder maxTokenLength(int length) {
      if (length < 1) {
        throw new IllegalArgumentException("maxTokenLength must be positive: " + length);
      }
      this.maxTokenLength = length;
      return this;
    }

    public TokenInspector build() {
      return new TokenInspector(this);
    }

    private static byte[] copyKey(byte[] key, String what) {
      if (key == null || key.length == 0) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return key.clone();
    }
  }
}
