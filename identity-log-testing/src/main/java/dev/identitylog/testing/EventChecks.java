package dev.identitylog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.IdentityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What both contract suites check on every event they see: the canonical JSON line, validity
 * against the schema of the version the event names, and that no secret the suite planted is in
 * it. Expected values are computed here, never by the library.
 */
final class EventChecks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventChecks() {}

  /** The event as the shipped encoder writes it, parsed. */
  static JsonNode json(IdentityEvent event) {
    try {
      return JSON.readTree(JsonLineWriter.toJson(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(JsonNode event, String field) {
    JsonNode node = event.get(field);
    return node == null ? null : node.asText();
  }

  static List<String> strings(JsonNode event, String field) {
    List<String> values = new ArrayList<>();
    JsonNode node = event.get(field);
    if (node != null) {
      node.forEach(n -> values.add(n.asText()));
    }
    return values;
  }

  /** Fails unless the event is valid against the bundled schema of its own version. */
  static void assertSchemaValid(IdentityEvent event) {
    JsonNode json = json(event);
    String version = text(json, "identity.schema");
    assertThat(EventSchema.node(version)).as("a bundled schema for version %s", version).isNotNull();
    Set<ValidationMessage> problems = EventSchema.validate(version, json);
    assertThat(problems).as("schema violations of %s", json).isEmpty();
  }

  /** Fails when any of the secrets appears in the event's line (the secret itself not shown). */
  static void assertNoSecret(IdentityEvent event, Collection<String> secrets) {
    String line = JsonLineWriter.toJson(event);
    for (String secret : secrets) {
      if (line.contains(secret)) {
        throw new AssertionError("an event carries a planted secret of " + secret.length()
            + " characters: " + line.replace(secret, "<planted secret>"));
      }
    }
  }

  /** identity.token.hash as SPEC 1.1 defines it without a key: SHA-256, first 16 bytes, hex. */
  static String tokenHash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
