package io.tributary.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.tributary.json.Json;
import java.util.TreeSet;

/**
 * Binds a message with Jackson's own strict features instead of field-by-field checks: every
 * creator property present, no unknown property, no null for a primitive, no float for an integer,
 * no string for a number or a number for a string. The records' constructors check what Jackson
 * cannot (a non-blank id, one log-prob per token). A failure names the field by its path, e.g.
 * {@code members[1].finishReason}.
 */
final class StrictBinding {
  private static final ObjectReader READER = reader();

  private StrictBinding() {}

  static <T> T read(String name, int schemaVersion, JsonNode tree, Class<T> type) {
    // the version first: a newer writer's message fails on its version, not on a renamed field
    JsonNode version = tree.get("schemaVersion");
    if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
      throw new MessageFormatException(
          name
              + ": field 'schemaVersion': got "
              + (version == null ? "nothing" : version.toString())
              + ", expected "
              + schemaVersion);
    }
    try {
      Require.schemaVersion(name, version.intValue(), schemaVersion);
      return READER.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw new MessageFormatException(name + ": " + explain(e), e);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new MessageFormatException(name + ": " + e.getMessage(), e);
    }
  }

  private static String explain(JsonMappingException e) {
    String path = path(e);
    Throwable cause = e.getCause();
    if (cause != null && !(cause instanceof JsonProcessingException)) {
      // a record constructor's check: its message names the field inside the object at path
      return (path.isEmpty() ? "" : path + ": ") + cause.getMessage();
    }
    if (e instanceof UnrecognizedPropertyException u) {
      TreeSet<String> known = new TreeSet<>();
      u.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
      return "field '" + path + "': unknown, expected only " + known;
    }
    if (e.getOriginalMessage().startsWith("Missing creator property")) {
      return "field '" + path + "': missing, expected a value";
    }
    return "field '" + path + "': " + e.getOriginalMessage();
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static ObjectReader reader() {
    ObjectMapper strict = Json.mapper().copy();
    strict
        .coercionConfigDefaults()
        .setAcceptBlankAsEmpty(false)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    return strict
        .readerFor(Object.class)
        .with(
            DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
            DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
            DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }
}
