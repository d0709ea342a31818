package io.tributary.messages;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed, strict reads of one JSON object's fields. Strict on purpose: Jackson's data binding would
 * turn {@code "3"} into 3, truncate 1.5 to 1 and read null as 0, which hides producer bugs. A
 * failure throws {@link IllegalArgumentException} naming the field; the codec adds the message.
 */
final class JsonFields {
  private final JsonNode object;
  private final Set<String> read = new LinkedHashSet<>();

  JsonFields(JsonNode object) {
    this.object = object;
  }

  String text(String name) {
    JsonNode node = required(name, "a string");
    return asText(name, node);
  }

  String nullableText(String name) {
    JsonNode node = optional(name);
    return node == null ? null : asText(name, node);
  }

  int integer(String name) {
    JsonNode node = required(name, "an integer");
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw wrong(name, node, "an integer");
    }
    return node.intValue();
  }

  Integer nullableInteger(String name) {
    return optional(name) == null ? null : integer(name);
  }

  long longInteger(String name) {
    JsonNode node = required(name, "an integer");
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw wrong(name, node, "an integer");
    }
    return node.longValue();
  }

  /** A number that may be null on the wire, where null stands for a non-finite value (NaN). */
  double numberOrNaN(String name) {
    JsonNode node = object.get(name);
    read.add(name);
    if (node == null) {
      throw missing(name, "a number or null");
    }
    return numberOrNaN(name, node);
  }

  int[] intArray(String name) {
    JsonNode node = array(name);
    int[] values = new int[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode element = node.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToInt()) {
        throw wrong(name + "[" + i + "]", element, "an integer");
      }
      values[i] = element.intValue();
    }
    return values;
  }

  double[] numberOrNaNArray(String name) {
    JsonNode node = array(name);
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = numberOrNaN(name + "[" + i + "]", node.get(i));
    }
    return values;
  }

  Map<String, String> textMap(String name) {
    return map(name, (entry) -> asText(entry.getKey(), entry.getValue()));
  }

  /** A map of numbers where null is a legal value (not applicable, or not finite). */
  Map<String, Double> nullableNumberMap(String name) {
    return map(
        name,
        (entry) ->
            entry.getValue().isNull() ? null : numberOrNaN(entry.getKey(), entry.getValue()));
  }

  <E extends Enum<E>> E choice(String name, Class<E> type, Function<E, String> wireName) {
    JsonNode node = required(name, "a string");
    String value = asText(name, node);
    Set<String> names = new TreeSet<>();
    for (E constant : type.getEnumConstants()) {
      if (wireName.apply(constant).equals(value)) {
        return constant;
      }
      names.add(wireName.apply(constant));
    }
    throw wrong(name, node, "one of " + names);
  }

  /** Fails on a field that no read asked for: a typo or a newer schema must not pass silently. */
  void rejectUnknown() {
    var names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field '" + name + "', expected only " + String.join(", ", read));
      }
    }
  }

  private <V> Map<String, V> map(
      String name, Function<Map.Entry<String, JsonNode>, V> valueReader) {
    JsonNode node = required(name, "an object");
    if (!node.isObject()) {
      throw wrong(name, node, "an object");
    }
    Map<String, V> values = new LinkedHashMap<>();
    var fields = node.fields();
    while (fields.hasNext()) {
      var entry = fields.next();
      var qualified = Map.entry(name + "." + entry.getKey(), entry.getValue());
      values.put(entry.getKey(), valueReader.apply(qualified));
    }
    return values;
  }

  private JsonNode array(String name) {
    JsonNode node = required(name, "an array");
    if (!node.isArray()) {
      throw wrong(name, node, "an array");
    }
    return node;
  }

  private JsonNode required(String name, String expected) {
    read.add(name);
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      throw missing(name, expected);
    }
    return node;
  }

  private JsonNode optional(String name) {
    read.add(name);
    JsonNode node = object.get(name);
    return node == null || node.isNull() ? null : node;
  }

  private static String asText(String name, JsonNode node) {
    if (!node.isTextual()) {
      throw wrong(name, node, "a string");
    }
    return node.textValue();
  }

  private static double numberOrNaN(String name, JsonNode node) {
    if (node.isNull()) {
      return Double.NaN;
    }
    if (!node.isNumber()) {
      throw wrong(name, node, "a number or null");
    }
    return node.doubleValue();
  }

  private IllegalArgumentException missing(String name, String expected) {
    return new IllegalArgumentException(
        "field '"
            + name
            + "': "
            + (object.has(name) ? "got null" : "missing")
            + ", expected "
            + expected);
  }

  private static IllegalArgumentException wrong(String name, JsonNode node, String expected) {
    String shown = node.toString();
    if (shown.length() > 60) {
      shown = shown.substring(0, 57) + "...";
    }
    return new IllegalArgumentException(
        "field '" + name + "': got " + shown + ", expected " + expected);
  }
}
