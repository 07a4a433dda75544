package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Who may read claims (SPEC 1.1 section 7): the fields that describe a party are <em>restricted</em>
 * and go to their own destination, readable by fewer people; the general stream keeps every other
 * field and carries a keyed pseudonym in place of each restricted value, so it can be read widely,
 * still counted and grouped by party, and joined with the restricted stream on the request.
 *
 * <pre>{@code
 * IdentityLog.builder()
 *     .restrictedFields(RestrictedFields.toLogger("identity.restricted")
 *         .pseudonymKey(keyFromYourSecretStore)
 *         .build())
 * }</pre>
 *
 * <p>Restricted, as the standard lists them: {@code tls.client.subject}, {@code
 * tls.client.issuer}, {@code tls.server.subject}, {@code tls.client.x509.alternative_names}, {@code
 * client.address}, {@code identity.token.issuer}, {@code identity.token.subject}, {@code
 * identity.token.client_id}, {@code identity.token.actor_chain} and every allowlisted claim
 * ({@code identity.token.claim.*}). A pseudonym is {@value #PSEUDONYM_PREFIX} followed by the
 * first 16 bytes of HMAC-SHA256(key, UTF-8 value) in unpadded base64url (22 characters); arrays
 * are pseudonymised element by element.
 *
 * <p>The restricted event holds the join keys ({@link #joinFields()}) and the restricted values;
 * each event of the general stream has exactly one restricted event, even when it has no
 * restricted value, so that every line of either stream joins with one line of the other.
 *
 * <p>Immutable and thread-safe. The key never leaves this object: not in {@link #toString()}, not
 * in any event.
 */
public final class RestrictedFields {
  /** The logger restricted events go to unless another is named. */
  public static final String DEFAULT_LOGGER = "identity.restricted";

  /** What every pseudonym starts with, so a reader can tell it from a value. */
  public static final String PSEUDONYM_PREFIX = "hmac:";

  /** The shortest key accepted, in bytes (128 bits). */
  public static final int MIN_KEY_BYTES = 16;

  private static final List<Field<?>> RESTRICTED =
      Collections.unmodifiableList(
          Arrays.asList(
              Fields.CLIENT_ADDRESS,
              Fields.TLS_CLIENT_SUBJECT,
              Fields.TLS_CLIENT_ISSUER,
              Fields.TLS_CLIENT_ALTERNATIVE_NAMES,
              Fields.TLS_SERVER_SUBJECT,
              Fields.TOKEN_ISSUER,
              Fields.TOKEN_SUBJECT,
              Fields.TOKEN_CLIENT_ID,
              Fields.TOKEN_ACTOR_CHAIN));

  // event.outcome is no join key, but the schema requires it and the SLF4J sink picks the level
  // from it, so the restricted line is valid on its own and logged at the level of its pair.
  private static final List<Field<?>> JOIN =
      Collections.unmodifiableList(
          Arrays.asList(
              Fields.TIMESTAMP,
              Fields.EVENT_NAME,
              Fields.SCHEMA,
              Fields.SERVICE_NAME,
              Fields.TRACE_ID,
              Fields.SPAN_ID,
              Fields.REQUEST_ID,
              Fields.EVENT_OUTCOME,
              Fields.TLS_CLIENT_HASH_SHA256,
              Fields.TLS_SERVER_HASH_SHA256,
              Fields.TOKEN_HASH));

  private final String loggerName;
  private final EventSink sink;
  private final Pseudonyms pseudonyms;

  private RestrictedFields(Builder b) {
    this.loggerName = b.loggerName;
    this.sink = b.sink;
    this.pseudonyms = Pseudonyms.hmacSha256(b.key);
  }

  /**
   * Restricted events go to this SLF4J logger, as {@link Slf4jEventSink} writes them (so the
   * shipped encoder writes their canonical JSON line). Give it its own appender and
   * {@code additivity="false"}, or they also reach the appenders of its parent loggers.
   */
  public static Builder toLogger(String loggerName) {
    if (loggerName == null || loggerName.trim().isEmpty()) {
      throw new IllegalArgumentException("loggerName must not be empty");
    }
    String name = loggerName.trim();
    if (name.equals(Slf4jEventSink.LOGGER_NAME)) {
      throw new IllegalArgumentException(
          "restricted events need a logger of their own, not " + Slf4jEventSink.LOGGER_NAME);
    }
    return new Builder(name, null);
  }

  /** Restricted events go to this sink (guarded like every sink). */
  public static Builder toSink(EventSink sink) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    return new Builder(null, sink);
  }

  /** The restricted fields of the standard, in canonical order; allowlisted claims come on top. */
  public static List<Field<?>> restrictedFields() {
    return RESTRICTED;
  }

  /** The general fields a restricted event carries so that it joins with its general event. */
  public static List<Field<?>> joinFields() {
    return JOIN;
  }

  /** Whether the key of a field or claim names a restricted value. */
  public static boolean isRestricted(String key) {
    if (key == null) {
      return false;
    }
    if (key.startsWith(Fields.CLAIM_PREFIX)) {
      return true;
    }
    Field<?> f = Fields.byKey(key);
    return f != null && RESTRICTED.contains(f);
  }

  /**
   * The pseudonym the general stream writes for this value (already sanitised and truncated as
   * the event holds it): the same for the same value and key, so that a holder of the key can
   * find one party's events in the general stream. {@code null} for {@code null}.
   */
  public String pseudonym(String value) {
    return value == null ? null : pseudonyms.of(value);
  }

  /**
   * Where restricted events go: the configured sink, or an {@link Slf4jEventSink} on the
   * configured logger.
   */
  public EventSink destination() {
    return sink != null ? sink : Slf4jEventSink.create(LoggerFactory.getLogger(loggerName));
  }

  /**
   * A sink that hands each event's general view to {@code general} and its restricted view to
   * {@code restricted}. Restricted views are built with {@code limits}, as every event is. When
   * building the views fails, neither receives the event (the caller's guard counts it): an
   * event that cannot be split is never written whole to the general stream.
   */
  public EventSink splitting(EventSink general, EventSink restricted, Limits limits) {
    if (general == null || restricted == null || limits == null) {
      throw new NullPointerException("general, restricted and limits are required");
    }
    return new SplittingEventSink(new EventSplit(pseudonyms, limits), general, restricted);
  }

  /** The general view of an event: restricted values replaced by their pseudonyms. */
  public IdentityEvent generalView(IdentityEvent event, Limits limits) {
    return new EventSplit(pseudonyms, limits).general(event);
  }

  /** The restricted view of an event: the join keys and the restricted values. */
  public IdentityEvent restrictedView(IdentityEvent event, Limits limits) {
    return new EventSplit(pseudonyms, limits).restricted(event);
  }

  @Override
  public String toString() {
    return "RestrictedFields{"
        + (sink != null ? "sink=" + sink : "logger=" + loggerName)
        + ", pseudonyms=HMAC-SHA256}";
  }

  /** Configures {@link RestrictedFields}. */
  public static final class Builder {
    private final String loggerName;
    private final EventSink sink;
    private byte[] key;

    private Builder(String loggerName, EventSink sink) {
      this.loggerName = loggerName;
      this.sink = sink;
    }

    /**
     * The HMAC-SHA256 key of the pseudonyms, at least {@value #MIN_KEY_BYTES} bytes (32 random
     * bytes are right). Required. Keep it as secret as the restricted stream: whoever holds it can
     * test guesses against the pseudonyms of the general stream. One key per deployment keeps
     * pseudonyms comparable across hops; a new key starts new pseudonyms. Copied.
     */
    public Builder pseudonymKey(byte[] key) {
      if (key == null) {
        throw new NullPointerException("key");
      }
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "pseudonymKey must have at least " + MIN_KEY_BYTES + " bytes, not " + key.length);
      }
      this.key = key.clone();
      return this;
    }

    public RestrictedFields build() {
      if (key == null) {
        throw new IllegalStateException("pseudonymKey is required");
      }
      return new RestrictedFields(this);
    }
  }
}
