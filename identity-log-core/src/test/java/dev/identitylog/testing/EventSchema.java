package dev.identitylog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.identitylog.event.Fields;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schemas as shipped in the core jar, one per version of the standard, loaded once, for
 * tests that check emitted lines (needs com.networknt:json-schema-validator and jackson-databind on
 * the test class path). Without a version, the schema of the version this library writes.
 */
public final class EventSchema {
  public static final String RESOURCE = resource(Fields.SCHEMA_VERSION);
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Map<String, JsonNode> NODES = new HashMap<>();
  private static final Map<String, JsonSchema> SCHEMAS = new HashMap<>();

  static {
    for (String version : Fields.VERSIONS) {
      JsonNode node = read(resource(version));
      NODES.put(version, node);
      // Validated as the command line's lint does: formats asserted, so dates must be real.
      SCHEMAS.put(
          version,
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(
                  node, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build()));
    }
  }

  private static final JsonNode NODE = NODES.get(Fields.SCHEMA_VERSION);
  private static final JsonSchema SCHEMA = SCHEMAS.get(Fields.SCHEMA_VERSION);

  private EventSchema() {}

  /** Where the core jar carries the schema of this version. */
  public static String resource(String version) {
    return "dev/identitylog/schema/identity-event-" + version + ".schema.json";
  }

  public static JsonNode node() {
    return NODE;
  }

  /** The schema of one version of the standard, e.g. {@code 1.0}. */
  public static JsonNode node(String version) {
    return NODES.get(version);
  }

  /** Validates against the schema of one version of the standard. */
  public static Set<ValidationMessage> validate(String version, JsonNode json) {
    return SCHEMAS.get(version).validate(json);
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

  private static JsonNode read(String resource) {
    try (InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
