package io.tributary.messages;

import java.util.Map;

/** Argument checks for the message records; each message names the field and what was expected. */
final class Require {
  private Require() {}

  static String text(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "field '" + field + "': got " + show(value) + ", expected a non-blank string");
    }
    return value;
  }

  static <T> T present(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "': got null, expected a value");
    }
    return value;
  }

  static long nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "field '" + field + "': got " + value + ", expected a number >= 0");
    }
    return value;
  }

  static void schemaVersion(String message, int got, int supported) {
    if (got != supported) {
      throw new IllegalArgumentException(
          "field 'schemaVersion': got "
              + got
              + ", expected "
              + supported
              + " (this reader understands "
              + message
              + " schema version "
              + supported
              + ")");
    }
  }

  /** An unmodifiable copy that keeps insertion order and, unlike Map.copyOf, null values. */
  static <V> Map<String, V> copy(String field, Map<String, V> map) {
    present(field, map);
    var copy = new java.util.LinkedHashMap<String, V>();
    map.forEach(
        (k, v) -> {
          if (k == null) {
            throw new IllegalArgumentException("field '" + field + "': has a null key");
          }
          copy.put(k, v);
        });
    return java.util.Collections.unmodifiableMap(copy);
  }

  private static String show(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
