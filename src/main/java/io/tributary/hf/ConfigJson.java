package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of the keys of one JSON object (config.json or an object inside it), each failure a
 * message naming the file, the key and what was expected. A key set to JSON null counts as absent,
 * as transformers treats it.
 */
final class ConfigJson {
  private final String where;
  private final ObjectNode node;

  ConfigJson(String where, ObjectNode node) {
    this.where = where;
    this.node = node;
  }

  String where() {
    return where;
  }

  boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** The key is written, possibly as null. */
  boolean present(String key) {
    return node.has(key);
  }

  java.util.Iterator<String> fieldNames() {
    return node.fieldNames();
  }

  JsonNode get(String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  ConfigJson object(String key) {
    JsonNode value = get(key);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw wrongType(key, "an object", value);
    }
    return new ConfigJson(where + " " + key, (ObjectNode) value);
  }

  int requiredPositiveInt(String key) {
    if (!has(key)) {
      throw missing(key, "a positive integer");
    }
    return positiveInt(key, get(key));
  }

  int positiveIntOr(String key, int fallback) {
    return has(key) ? positiveInt(key, get(key)) : fallback;
  }

  int nonNegativeIntOr(String key, int fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = get(key);
    if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() < 0) {
      throw wrongType(key, "a non-negative integer", value);
    }
    return value.asInt();
  }

  int requiredNonNegativeInt(String key) {
    if (!has(key)) {
      throw missing(key, "a non-negative integer");
    }
    return nonNegativeIntOr(key, 0);
  }

  Integer optionalInt(String key) {
    if (!has(key)) {
      return null;
    }
    JsonNode value = get(key);
    if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
      throw wrongType(key, "an integer", value);
    }
    return value.asInt();
  }

  double positiveDoubleOr(String key, double fallback) {
    return has(key) ? positiveDouble(key) : fallback;
  }

  double requiredPositiveDouble(String key) {
    if (!has(key)) {
      throw missing(key, "a positive number");
    }
    return positiveDouble(key);
  }

  Double optionalDouble(String key) {
    if (!has(key)) {
      return null;
    }
    JsonNode value = get(key);
    if (!value.isNumber()) {
      throw wrongType(key, "a number", value);
    }
    return value.asDouble();
  }

  private double positiveDouble(String key) {
    JsonNode value = get(key);
    if (!value.isNumber() || !(value.asDouble() > 0) || Double.isInfinite(value.asDouble())) {
      throw wrongType(key, "a positive number", value);
    }
    return value.asDouble();
  }

  boolean booleanOr(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = get(key);
    if (!value.isBoolean()) {
      throw wrongType(key, "true or false", value);
    }
    return value.asBoolean();
  }

  boolean requiredBoolean(String key) {
    if (!has(key)) {
      throw missing(key, "true or false");
    }
    return booleanOr(key, false);
  }

  String stringOr(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = get(key);
    if (!value.isTextual()) {
      throw wrongType(key, "a string", value);
    }
    return value.textValue();
  }

  /** An integer or a list of integers, as eos_token_id may be; empty when absent. */
  List<Integer> intOrIntList(String key) {
    List<Integer> values = new ArrayList<>();
    if (!has(key)) {
      return values;
    }
    JsonNode value = get(key);
    if (value.isArray()) {
      for (JsonNode element : value) {
        if (!element.canConvertToExactIntegral() || !element.canConvertToInt()) {
          throw wrongType(key, "an integer or a list of integers", value);
        }
        values.add(element.asInt());
      }
    } else if (value.canConvertToExactIntegral() && value.canConvertToInt()) {
      values.add(value.asInt());
    } else {
      throw wrongType(key, "an integer or a list of integers", value);
    }
    return values;
  }

  List<String> stringList(String key) {
    List<String> values = new ArrayList<>();
    if (!has(key)) {
      return values;
    }
    JsonNode value = get(key);
    if (!value.isArray()) {
      throw wrongType(key, "a list of strings", value);
    }
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw wrongType(key, "a list of strings", value);
      }
      values.add(element.textValue());
    }
    return values;
  }

  private int positiveInt(String key, JsonNode value) {
    if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() <= 0) {
      throw wrongType(key, "a positive integer", value);
    }
    return value.asInt();
  }

  HfFormatException missing(String key, String expected) {
    return new HfFormatException(where + ": key '" + key + "' is missing; expected " + expected);
  }

  HfFormatException wrongType(String key, String expected, JsonNode value) {
    return new HfFormatException(
        where + ": key '" + key + "': expected " + expected + ", got " + value);
  }

  /** A key whose value would change the computation in a way Tributary does not implement. */
  HfFormatException unsupported(String key, JsonNode value, String why) {
    return new HfFormatException(
        where + ": key '" + key + "' = " + value + " is not supported: " + why);
  }
}
