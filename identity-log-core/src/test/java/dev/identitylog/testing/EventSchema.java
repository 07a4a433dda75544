package dev.identitylog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The JSON Schema as shipped in the core jar, loaded once, for tests that check emitted lines
 * (needs com.networknt:json-schema-validator and jackson-databind on the test class path).
 */
public final class EventSchema {
  public static final String RESOURCE = "dev/identitylog/schema/identity-event-1.0.schema.json";
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final JsonNode NODE = read();
  /** Validated as the command line's lint does: formats asserted, so dates must be real. */
  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(NODE, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

  private EventSchema() {}

  public static JsonNode node() {
    return NODE;
  }

  public static Set<ValidationMessage> validate(String json) {
    try {
      return SCHEMA.validate(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Set<ValidationMessage> validate(JsonNode json) {
    return SCHEMA.validate(json);
  }

  private static JsonNode read() {
    try (InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
