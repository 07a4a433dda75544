package dev.identitylog.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one line against the JSON Schema of the standard, as shipped in the core jar, and says
 * what is wrong in the words of the standard: one {@link Violation} per field and problem.
 *
 * <p>The core jar carries one schema per version; a line is checked against the version its
 * {@code identity.schema} names, so a 1.0 event stays valid and a 1.0 event with 1.1 fields does
 * not. A line without a known version is checked against the newest schema, which names the
 * versions it accepts. Rules a JSON Schema cannot state are checked after it ({@link #rules}).
 */
final class EventLinter {
  /** Where the core jar carries the schema of the version this library writes. */
  static final String SCHEMA_RESOURCE = resource(Fields.SCHEMA_VERSION);

  static final String SPAN_IS_OWN_PARENT = "must not equal span.id (a span is not its own parent)";

  static final String ROOT = "$";
  static final String NOT_AN_OBJECT = "not a JSON object";

  private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'");

  static final String TIME_PROBLEM =
      "must be RFC 3339 UTC with milliseconds, e.g. 2026-11-28T09:00:00.000Z";

  private final ObjectMapper mapper;
  /** The schema of each version of the standard, by its {@code identity.schema} value. */
  private final Map<String, JsonSchema> schemas;
  /** The schema for a line that names no known version: the newest. */
  private final JsonSchema newest;
  /** The schema's pattern for times: its failure is worded like the standard, not as a regex. */
  private final String timePattern;

  private EventLinter(
      ObjectMapper mapper, Map<String, JsonSchema> schemas, JsonSchema newest, String timePattern) {
    this.mapper = mapper;
    this.schemas = schemas;
    this.newest = newest;
    this.timePattern = timePattern;
  }

  /** Where the core jar carries the schema of one version of the standard. */
  static String resource(String version) {
    return "dev/identitylog/schema/identity-event-" + version + ".schema.json";
  }

  /** Loads the bundled schemas; a missing or broken schema is a defect of the build. */
  static EventLinter load() {
    ObjectMapper mapper =
        new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true) // a timestamp must be a real date, not just its shape
            .locale(Locale.ENGLISH)
            .build();
    Map<String, JsonSchema> schemas = new HashMap<>();
    String timePattern = null;
    for (String version : Fields.VERSIONS) {
      JsonNode schemaNode = read(resource(version));
      schemas.put(
          version,
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(schemaNode, config));
      timePattern = schemaNode.at("/$defs/time/pattern").asText();
    }
    return new EventLinter(
        mapper, Map.copyOf(schemas), schemas.get(Fields.SCHEMA_VERSION), timePattern);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = EventLinter.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  /** The schema of the version the line names, else the newest. */
  private JsonSchema schemaFor(JsonNode node) {
    JsonNode version = node.get("identity.schema");
    JsonSchema s = version != null && version.isTextual() ? schemas.get(version.textValue()) : null;
    return s != null ? s : newest;
  }

  /** Rules of the standard beyond what its JSON Schema states. */
  private static void rules(JsonNode node, Set<Violation> found) {
    JsonNode span = node.get("span.id");
    JsonNode parent = node.get("span.parent.id");
    // A span that names itself as its parent makes a loop of one: no reader can place the hop in
    // its request, and it is what a hop that echoes the received parent-id instead of minting its
    // own span id writes.
    if (span != null && parent != null && span.isTextual() && parent.isTextual()
        && span.textValue().equals(parent.textValue())) {
      found.add(new Violation(Fields.SPAN_PARENT_ID.key(), SPAN_IS_OWN_PARENT));
    }
  }

  /** The violations of one line, in canonical field order; empty when the line is a valid event. */
  List<Violation> check(String line) {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      Matcher m = DUPLICATE.matcher(Objects.toString(e.getOriginalMessage(), ""));
      if (m.find()) {
        return List.of(new Violation(m.group(1), "duplicate key"));
      }
      return List.of(new Violation(ROOT, NOT_AN_OBJECT));
    }
    if (node == null || !node.isObject()) {
      return List.of(new Violation(ROOT, NOT_AN_OBJECT));
    }
    Set<Violation> found = new LinkedHashSet<>(); // the same problem can come from two keywords
    // A number no 64-bit field can hold (1e999999 reads as infinity) is its field's violation; the
    // validator, which fails on such numbers, sees a zero in its place and its verdict on that
    // field is dropped.
    Set<String> outOfRange = new LinkedHashSet<>();
    defuse(node, "", outOfRange);
    for (String f : outOfRange) {
      found.add(new Violation(f, OUT_OF_RANGE));
    }
    try {
      for (ValidationMessage m : schemaFor(node).validate(node)) {
        String f = field(m);
        if (!outOfRange.contains(f)) {
          found.add(new Violation(f, problem(m)));
        }
      }
    } catch (RuntimeException e) {
      // One line the validator cannot handle is that line's violation, never the end of the run.
      found.add(new Violation(ROOT, "cannot be checked (" + e.getClass().getSimpleName() + ")"));
    }
    rules(node, found);
    List<Violation> out = new ArrayList<>(found);
    out.sort(Comparator.comparingInt(Violation::order)); // stable: keeps the validator's order within a field
    return out;
  }

  /**
   * Replaces every number outside the signed 64-bit range (or not finite) with 0, collecting the
   * paths, worded as {@link #field}, of the numbers replaced.
   */
  private static void defuse(JsonNode node, String path, Set<String> found) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        String p = path.isEmpty() ? name : path + "." + name;
        if (hostile(child)) {
          object.put(name, 0);
          found.add(p);
        } else if (child.isContainerNode()) {
          defuse(child, p, found);
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        JsonNode child = array.get(i);
        String p = path + "[" + i + "]";
        if (hostile(child)) {
          array.set(i, IntNode.valueOf(0));
          found.add(p);
        } else if (child.isContainerNode()) {
          defuse(child, p, found);
        }
      }
    }
  }

  private static boolean hostile(JsonNode n) {
    if (!n.isNumber()) {
      return false;
    }
    if (n.isIntegralNumber()) {
      return !n.canConvertToLong();
    }
    if (n.isBigDecimal()) {
      java.math.BigDecimal d = n.decimalValue();
      return d.scale() < -18 || d.abs().compareTo(LONG_RANGE) > 0;
    }
    double d = n.doubleValue();
    return !Double.isFinite(d) || Math.abs(d) > 9.2e18;
  }

  private static final java.math.BigDecimal LONG_RANGE = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

  static final String OUT_OF_RANGE = "number out of range (not a 64-bit integer)";

  /** The field a message is about, e.g. {@code trace.id} or {@code identity.token.audience[2]}. */
  static String field(ValidationMessage m) {
    JsonNodePath path = m.getInstanceLocation();
    if (path == null || path.getNameCount() == 0) {
      return m.getProperty() != null ? m.getProperty() : ROOT;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      if (element instanceof Number) {
        sb.append('[').append(element).append(']');
      } else {
        sb.append(i == 0 ? "" : ".").append(element);
      }
    }
    return sb.toString();
  }

  String problem(ValidationMessage m) {
    JsonNode instance = m.getInstanceNode();
    JsonNode keyword = m.getSchemaNode();
    switch (m.getType()) {
      case "required":
        return "required field is missing";
      case "additionalProperties":
        return "not a field of the standard";
      case "type":
        if (instance != null && instance.isNull()) {
          return "must not be null (omit the field instead)";
        }
        return m.getError();
      case "minLength":
        if (instance != null && instance.isTextual() && instance.textValue().isEmpty()) {
          return "must not be empty (omit the field instead)";
        }
        return m.getError();
      case "minItems":
        if (instance != null && instance.isArray() && instance.size() == 0) {
          return "must not be an empty array (omit the field instead)";
        }
        return m.getError();
      case "not":
        if (keyword != null && keyword.has("pattern")) {
          return "contains a control character or line separator";
        }
        if (keyword != null && keyword.has("const")) {
          String c = keyword.get("const").asText();
          return c.matches("0+") ? "must not be all zeros" : "must not be " + c;
        }
        return m.getError();
      case "const":
        return keyword != null && keyword.isValueNode() ? "must be " + keyword.asText() : m.getError();
      case "enum":
        if (keyword != null && keyword.isArray()) {
          List<String> values = new ArrayList<>();
          keyword.forEach(v -> values.add(v.asText()));
          return "must be one of " + String.join(", ", values);
        }
        return m.getError();
      case "pattern":
        if (keyword != null && keyword.isTextual()) {
          return keyword.textValue().equals(timePattern)
              ? TIME_PROBLEM
              : "does not match " + keyword.textValue();
        }
        return m.getError();
      case "format":
        return TIME_PROBLEM; // the schema asserts a format for times only

      default:
        return m.getError();
    }
  }

  /** One problem with one field. */
  static final class Violation {
    final String field;
    final String problem;

    Violation(String field, String problem) {
      this.field = field;
      this.problem = problem;
    }

    /** Position of the field in canonical order; the line as a whole first, unknown keys last. */
    int order() {
      if (ROOT.equals(field)) {
        return -1;
      }
      int bracket = field.indexOf('[');
      Field<?> f = Fields.byKey(bracket < 0 ? field : field.substring(0, bracket));
      return f == null ? Integer.MAX_VALUE : f.index();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Violation
          && ((Violation) o).field.equals(field)
          && ((Violation) o).problem.equals(problem);
    }

    @Override
    public int hashCode() {
      return 31 * field.hashCode() + problem.hashCode();
    }

    @Override
    public String toString() {
      return field + ": " + problem;
    }
  }
}
