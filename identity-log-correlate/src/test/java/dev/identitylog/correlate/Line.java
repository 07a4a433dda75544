package dev.identitylog.correlate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.event.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One event as a test writes it: a map of standard keys, serialized as a JSON line. */
final class Line {
  static final ObjectMapper MAPPER = new ObjectMapper();

  final Map<String, Object> fields = new LinkedHashMap<>();

  Line set(String key, Object value) {
    if (value == null) {
      fields.remove(key);
    } else {
      fields.put(key, value);
    }
    return this;
  }

  Object get(String key) {
    return fields.get(key);
  }

  String service() {
    return (String) fields.get("service.name");
  }

  String span() {
    return (String) fields.get("span.id");
  }

  Line status(int status) {
    return set("http.response.status_code", status);
  }

  Line grpc(String status) {
    return set("rpc.grpc.status_code", status);
  }

  Line parent(Line caller) {
    return set("span.parent.id", caller.span());
  }

  Line trace(String trace) {
    return set("trace.id", trace);
  }

  Line token(String hash) {
    return set("identity.token.hash", hash);
  }

  Line authn(String outcome, String reason) {
    set("identity.authn.outcome", outcome);
    return set("identity.authn.reason", reason);
  }

  Line authz(String outcome, String reason) {
    set("identity.authz.outcome", outcome);
    return set("identity.authz.reason", reason);
  }

  Line dependency(String outcome, String reason, String name) {
    set("identity.dependency.outcome", outcome);
    set("identity.dependency.reason", reason);
    return set("identity.dependency.name", name);
  }

  Line inferred(String phase) {
    return set("identity." + phase + ".inferred", true);
  }

  Line audience(String... audience) {
    return set("identity.token.audience", List.of(audience));
  }

  /** Moves the event's clock, as a host with a skewed clock would log it. */
  Line skew(long millis) {
    Instant t = Instant.parse((String) fields.get("timestamp"));
    return set("timestamp", Timestamps.format(t.plusMillis(millis)));
  }

  Line copy() {
    Line l = new Line();
    l.fields.putAll(fields);
    return l;
  }

  String json() {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return json();
  }
}
