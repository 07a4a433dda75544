package dev.identitylog.correlate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.identitylog.correlate.CorrelationEvent.Draft;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.redact.Limits;
import dev.identitylog.redact.Sanitizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one JSON line into a {@link CorrelationEvent} with the streaming parser, looking only at
 * the keys correlation needs. Tolerant of what access logs of proxies write: numbers as strings,
 * {@code "-"} or {@code ""} for an absent value, nested objects (flattened to dotted keys), other
 * time formats. Not thread-safe: one parser per stream.
 */
final class EventParser {
  static final int OK = 0;
  static final int BLANK = 1;
  static final int MALFORMED = 2;
  static final int NOT_OBJECT = 3;
  static final int NOT_EVENT = 4;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(1 << 20)
                  .maxNumberLength(64)
                  .build())
          .build();

  private static final int MAX_STRING = Limits.DEFAULT_MAX_STRING_LENGTH;
  private static final int MAX_ITEMS = Limits.DEFAULT_MAX_ARRAY_SIZE;
  private static final int MAX_DEPTH = 4;
  private static final int INTERN_CAPACITY = 4096;

  private static final String[] GRPC_CODES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
  };

  /** Why the last line gave no event: one of the constants above. */
  int status;

  // Service names, reason codes and statuses repeat on every line; sharing one instance keeps
  // the events held in flight small. Bounded, so hostile input cannot grow it.
  private final Map<String, String> interned = new HashMap<>();

  private final IdCache ids;

  private Draft d;
  /** The raw facts of a layer access log line ({@link LayerLine}), or null: none seen. */
  private String[] facts;
  private boolean hasEventName;
  private boolean foreignEventName;

  /** A parser for one-off lines: nothing to share ids with. */
  EventParser() {
    this(null);
  }

  /** A parser sharing id strings with the other parsers of one stream. */
  EventParser(IdCache ids) {
    this.ids = ids;
  }

  private String share(String id) {
    return ids == null ? id : ids.share(id);
  }

  CorrelationEvent parse(byte[] b, int off, int len) {
    if (blank(b, off, len)) {
      status = BLANK;
      return null;
    }
    try (JsonParser p = FACTORY.createParser(b, off, len)) {
      return read(p);
    } catch (IOException | RuntimeException e) {
      status = MALFORMED;
      return null;
    }
  }

  CorrelationEvent parse(char[] c, int off, int len) {
    if (blank(c, off, len)) {
      status = BLANK;
      return null;
    }
    try (JsonParser p = FACTORY.createParser(c, off, len)) {
      return read(p);
    } catch (IOException | RuntimeException e) {
      status = MALFORMED;
      return null;
    }
  }

  private CorrelationEvent read(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      if (t == null) {
        status = BLANK;
      } else {
        // A valid JSON value that is not an object; anything after it makes it malformed.
        p.skipChildren();
        status = p.nextToken() == null ? NOT_OBJECT : MALFORMED;
      }
      return null;
    }
    d = new Draft();
    facts = null;
    hasEventName = false;
    foreignEventName = false;
    readObject(p, null, 0);
    if (p.nextToken() != null) {
      status = MALFORMED; // two values on one line, or trailing text
      return null;
    }
    return finish();
  }

  private void readObject(JsonParser p, String prefix, int depth) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
      if (t != JsonToken.FIELD_NAME) {
        throw new IOException("unexpected " + t);
      }
      String name = p.currentName();
      String key = prefix == null ? name : prefix + '.' + name;
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        if (depth < MAX_DEPTH) {
          readObject(p, key, depth + 1);
        } else {
          p.skipChildren();
        }
      } else if (v == JsonToken.START_ARRAY) {
        readArray(p, key);
      } else {
        scalar(p, key, v);
      }
    }
  }

  private void readArray(JsonParser p, String key) throws IOException {
    boolean wanted = key.equals(Fields.TOKEN_AUDIENCE.key())
        || key.equals(Fields.TOKEN_ACTOR_CHAIN.key()) || key.equals(Fields.LINKS.key());
    List<String> items = wanted ? new ArrayList<>(2) : null;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unterminated array");
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else if (wanted && items.size() < MAX_ITEMS) {
        String s = text(p, t);
        if (s != null) {
          items.add(s);
        }
      }
    }
    if (wanted && !items.isEmpty()) {
      List<String> list = Collections.unmodifiableList(items);
      if (key.equals(Fields.TOKEN_AUDIENCE.key())) {
        d.audience = list;
      } else if (key.equals(Fields.LINKS.key())) {
        d.links = list;
      } else {
        d.actorChain = list;
      }
    }
  }

  private void scalar(JsonParser p, String key, JsonToken t) throws IOException {
    EventKey k = EventKey.of(key);
    if (k == null) {
      int slot = LayerLine.slot(key);
      if (slot >= 0) {
        if (facts == null) {
          facts = LayerLine.newFacts();
        }
        facts[slot] = text(p, t);
      }
      return;
    }
    switch (k) {
      case TIMESTAMP:
      case AT_TIMESTAMP:
        long ts = time(p, t);
        if (ts != Times.NONE && (k == EventKey.TIMESTAMP || d.timestamp == Times.NONE)) {
          d.timestamp = ts;
        }
        break;
      case EVENT_NAME:
        hasEventName = true;
        String n = text(p, t);
        if (EventName.SERVER.code().equals(n) || "server".equals(n)) {
          d.name = EventName.SERVER;
        } else if (EventName.CLIENT.code().equals(n) || "client".equals(n)) {
          d.name = EventName.CLIENT;
        } else if (EventName.PRODUCER.code().equals(n)) {
          d.name = EventName.PRODUCER;
        } else if (EventName.CONSUMER.code().equals(n)) {
          d.name = EventName.CONSUMER;
        } else {
          foreignEventName = true;
        }
        break;
      case SERVICE_NAME:
        d.service = intern(text(p, t));
        break;
      case HOP_LAYER:
        d.layer = HopLayer.fromCode(text(p, t));
        break;
      case TRACE_ID:
        d.traceId = share(wellFormed(traceId(text(p, t)), 32, key));
        break;
      case SPAN_ID:
        d.spanId = share(wellFormed(spanId(text(p, t)), 16, key));
        break;
      case SPAN_PARENT_ID:
        d.parentSpanId = share(wellFormed(spanId(text(p, t)), 16, key));
        break;
      case TRACEPARENT:
        d.traceparent = text(p, t);
        break;
      case TRACE_ORIGIN:
        d.traceOrigin = traceOrigin(text(p, t));
        break;
      case REQUEST_ID:
        d.requestId = share(text(p, t));
        break;
      case REQUEST_EDGE_ID:
        // One form for every hop: the origin's CF-Ray carries a data-centre suffix that
        // Cloudflare's own RayID lacks.
        d.edgeId = share(CloudflareLine.rayId(text(p, t)));
        break;
      case HTTP_RESPONSE_STATUS_CODE:
        long status = integer(p, t);
        d.httpStatus = status >= 100 && status <= 999 ? (int) status : 0;
        break;
      case RPC_GRPC_STATUS_CODE:
        d.grpcStatus = t == JsonToken.VALUE_NUMBER_INT ? grpcStatus(p.getIntValue())
            : grpcStatus(text(p, t));
        break;
      case EVENT_DURATION:
        d.durationNanos = duration(p, t);
        break;
      case EVENT_OUTCOME:
        d.eventOutcome = eventOutcome(text(p, t));
        break;
      case ERROR_TYPE:
        d.errorType = intern(text(p, t));
        break;
      case AUTHN_OUTCOME:
        d.authn = outcome(text(p, t));
        break;
      case AUTHN_REASON:
        d.authnReason = intern(text(p, t));
        break;
      case AUTHN_INFERRED:
        d.authnInferred = bool(p, t);
        break;
      case AUTHZ_OUTCOME:
        d.authz = outcome(text(p, t));
        break;
      case AUTHZ_REASON:
        d.authzReason = intern(text(p, t));
        break;
      case AUTHZ_INFERRED:
        d.authzInferred = bool(p, t);
        break;
      case DEPENDENCY_OUTCOME:
        d.dependency = outcome(text(p, t));
        break;
      case DEPENDENCY_REASON:
        d.dependencyReason = intern(text(p, t));
        break;
      case DEPENDENCY_NAME:
        d.dependencyName = intern(text(p, t));
        break;
      case DEPENDENCY_STATUS:
        d.dependencyStatus = intern(text(p, t));
        break;
      case DEPENDENCY_INFERRED:
        d.dependencyInferred = bool(p, t);
        break;
      case TOKEN_HASH:
        d.tokenHash = share(tokenHash(text(p, t)));
        break;
      case TOKEN_AUDIENCE:
        String aud = text(p, t);
        d.audience = aud == null ? null : Collections.singletonList(aud);
        break;
      case TOKEN_ACTOR_CHAIN:
        String actor = text(p, t);
        d.actorChain = actor == null ? null : Collections.singletonList(actor);
        break;
      case FORWARDED_UNTRUSTED:
        d.forwardedUntrusted = bool(p, t);
        break;
      case CLIENT_ATTEMPTS:
        long attempts = integer(p, t);
        d.attempts = attempts > 0 ? (int) Math.min(attempts, 1_000_000L) : 0;
        break;
      case SERVER_ADDRESS:
        d.serverAddress = intern(text(p, t));
        break;
      case RPC_SERVICE:
        d.rpcService = intern(text(p, t));
        break;
      case HTTP_ROUTE:
        d.route = text(p, t) != null;
        break;
      case TLS_CLIENT_HASH:
        d.certHash = intern(Certificates.hash(text(p, t)));
        break;
      case TLS_CLIENT_SERIAL:
        d.certSerial = intern(Certificates.serial(text(p, t)));
        break;
      case TLS_CLIENT_SUBJECT:
        d.certSubject = intern(Certificates.name(text(p, t)));
        break;
      case MESSAGING_DESTINATION_NAME:
        d.topic = intern(text(p, t));
        break;
      case MESSAGING_PARTITION:
        d.partition = intern(text(p, t));
        break;
      case MESSAGING_KAFKA_OFFSET:
        long offset = integer(p, t);
        d.offset = offset >= 0 ? offset : -1;
        break;
      case MESSAGING_CONSUMER_GROUP:
        d.consumerGroup = intern(text(p, t));
        break;
      case MESSAGE_REDELIVERED:
        d.redelivered = bool(p, t);
        break;
      case LINKS:
        String link = text(p, t);
        d.links = link == null ? null : Collections.singletonList(link);
        break;
      default:
        break;
    }
  }

  private CorrelationEvent finish() {
    if (foreignEventName) {
      status = NOT_EVENT; // another kind of event sharing the log
      return null;
    }
    if (facts != null) {
      try {
        LayerLine.apply(d, facts);
      } catch (RuntimeException e) {
        // A derivation that trips over an odd value loses the derived reasons, never the line.
      }
    }
    if (d.traceId == null && d.traceparent != null) {
      fromTraceparent(d.traceparent);
    }
    if (!hasEventName) {
      // An access log line of a proxy: a hop's server side, when it says who logged it and
      // carries something to join on.
      if (d.service == null || (d.traceId == null && d.requestId == null)) {
        status = NOT_EVENT;
        return null;
      }
      d.name = EventName.SERVER;
    }
    status = OK;
    return new CorrelationEvent(d);
  }

  /**
   * The id when it is hex of the standard's length (after the forms {@link #traceId} accepts),
   * else null, and the field is noted as malformed: an id like {@code XYZ} joins nothing and is
   * no trace of the request, so it must not read as a second trace (a broken one).
   */
  private String wellFormed(String id, int length, String field) {
    if (id == null || (id.length() == length && isHex(id))) {
      return id;
    }
    d.malformedIds = d.malformedIds == null ? field : d.malformedIds + ", " + field;
    return null;
  }

  private void fromTraceparent(String tp) {
    // version-traceid-parentid-flags, as received (server) or sent (client).
    String[] parts = tp.split("-", -1);
    if (parts.length < 4 || parts[1].length() != 32 || parts[2].length() != 16) {
      return;
    }
    String trace = traceId(parts[1]);
    String span = spanId(parts[2]);
    if (trace == null || !isHex(trace) || span == null || !isHex(span)) {
      return;
    }
    d.traceId = share(trace);
    if (d.name == EventName.CLIENT || d.name == EventName.PRODUCER) {
      if (d.spanId == null) {
        d.spanId = share(span);
      }
    } else if (d.parentSpanId == null) {
      d.parentSpanId = share(span);
    }
  }

  // ---- value coercion -------------------------------------------------------------------

  /** A scalar as cleaned text; {@code null} for null, empty, {@code "-"} and containers. */
  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == null || !t.isScalarValue() || t == JsonToken.VALUE_NULL) {
      return null;
    }
    String s = p.getText();
    if (s == null) {
      return null;
    }
    int len = s.length();
    if (len == 0 || (len == 1 && s.charAt(0) == '-')) {
      return null;
    }
    if (s.charAt(0) <= ' ' || s.charAt(len - 1) <= ' ') {
      s = s.trim();
      if (s.isEmpty() || s.equals("-")) {
        return null;
      }
    }
    return Sanitizer.clean(s, MAX_STRING);
  }

  private String intern(String s) {
    if (s == null) {
      return null;
    }
    String known = interned.get(s);
    if (known != null) {
      return known;
    }
    if (interned.size() < INTERN_CAPACITY) {
      interned.put(s, s);
    }
    return s;
  }

  private static long integer(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = text(p, t);
      if (s == null || s.length() > 18) {
        return -1;
      }
      long v = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }
    return -1;
  }

  private static boolean bool(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_STRING) {
      return "true".equalsIgnoreCase(p.getText().trim());
    }
    return false;
  }

  private static long time(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        String s = p.getText().trim();
        return Times.parse(s);
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? Times.NONE
            : Times.fromEpoch(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        return Times.fromEpoch(p.getDoubleValue());
      default:
        return Times.NONE;
    }
  }

  /**
   * Nanoseconds. An integer is nanoseconds, as the standard writes it; a number with a fraction
   * is seconds, as NGINX {@code $request_time} writes it.
   */
  private static long duration(JsonParser p, JsonToken t) throws IOException {
    double seconds;
    if (t == JsonToken.VALUE_NUMBER_INT) {
      long v = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : p.getLongValue();
      return v >= 0 ? v : -1;
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      seconds = p.getDoubleValue();
    } else if (t == JsonToken.VALUE_STRING) {
      String s = text(p, t);
      if (s == null) {
        return -1;
      }
      if (s.indexOf('.') < 0) {
        long v = integer(p, t);
        return v >= 0 ? v : -1;
      }
      try {
        seconds = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return -1;
      }
    } else {
      return -1;
    }
    if (!(seconds >= 0) || seconds > 1e9) {
      return -1;
    }
    return (long) (seconds * 1e9);
  }

  private static Outcome outcome(String s) {
    if (s == null) {
      return null;
    }
    for (Outcome o : Outcome.values()) {
      if (o.code().equalsIgnoreCase(s)) {
        return o;
      }
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "allow":
      case "allowed":
        return Outcome.SUCCESS;
      case "deny":
      case "denied":
        return Outcome.FAILURE;
      default:
        break;
    }
    // An HTTP status where a proxy logs one (API Gateway's $context.authorize.status).
    if (s.length() == 3 && s.charAt(0) >= '1' && s.charAt(0) <= '5') {
      char c = s.charAt(0);
      return c == '2' || c == '1' || c == '3' ? Outcome.SUCCESS
          : c == '4' ? Outcome.FAILURE : Outcome.ERROR;
    }
    return null;
  }

  private static EventOutcome eventOutcome(String s) {
    if (s == null) {
      return null;
    }
    for (EventOutcome o : EventOutcome.values()) {
      if (o.code().equalsIgnoreCase(s)) {
        return o;
      }
    }
    return null;
  }

  private static TraceOrigin traceOrigin(String s) {
    if (s == null) {
      return null;
    }
    for (TraceOrigin o : TraceOrigin.values()) {
      if (o.code().equalsIgnoreCase(s)) {
        return o;
      }
    }
    return null;
  }

  /** The gRPC status name for a name or a number, or {@code null}. */
  static String grpcStatus(String s) {
    if (s == null) {
      return null;
    }
    if (s.length() <= 2 && Character.isDigit(s.charAt(0))) {
      try {
        return grpcStatus(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    for (String code : GRPC_CODES) {
      if (code.equalsIgnoreCase(s)) {
        return code;
      }
    }
    return null;
  }

  static String grpcStatus(int code) {
    return code >= 0 && code < GRPC_CODES.length ? GRPC_CODES[code] : null;
  }

  /**
   * A trace id in the standard's form: lowercase; X-Ray ids ({@code 1-8hex-24hex}, or a whole
   * {@code Root=...} header) become 32 hex as SPEC section 6 says; 16-hex B3 ids are left-padded
   * to 32. All-zero ids are invalid and dropped.
   */
  static String traceId(String s) {
    if (s == null) {
      return null;
    }
    String v = s.trim();
    if (v.startsWith("Root=")) {
      int end = v.indexOf(';');
      v = v.substring(5, end < 0 ? v.length() : end);
    }
    v = lower(v);
    if (v.length() == 35 && v.charAt(0) == '1' && v.charAt(1) == '-' && v.charAt(10) == '-') {
      String joined = v.substring(2, 10) + v.substring(11);
      if (isHex(joined)) {
        v = joined;
      }
    } else if (v.length() == 16 && isHex(v)) {
      v = "0000000000000000" + v;
    }
    if (v.isEmpty() || allZero(v)) {
      return null;
    }
    return v;
  }

  static String spanId(String s) {
    if (s == null) {
      return null;
    }
    String v = lower(s.trim());
    return v.isEmpty() || allZero(v) ? null : v;
  }

  /**
   * A token hash, or {@code null} when the value does not look like one: whatever is not hex of a
   * hash's length could be a raw token logged by mistake, and must not be repeated.
   */
  static String tokenHash(String s) {
    if (s == null) {
      return null;
    }
    String v = lower(s.trim());
    return v.length() >= 8 && v.length() <= 64 && isHex(v) ? v : null;
  }

  private static String lower(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return s.toLowerCase(Locale.ROOT);
      }
    }
    return s;
  }

  static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '0' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean blank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
    }
    return true;
  }

  private static boolean blank(char[] c, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char x = c[i];
      if (x != ' ' && x != '\t' && x != '\r' && x != '\n' && x != '\uFEFF') {
        return false;
      }
    }
    return true;
  }
}
