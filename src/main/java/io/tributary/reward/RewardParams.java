package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code params} map of one reward's config entry, with typed getters whose errors name the key
 * ({@code params.maxLength: got 'ten', expected an integer}). Providers call {@link #allowOnly}
 * first, so a misspelt parameter is an error rather than a silently used default.
 */
public final class RewardParams {
  private final Map<String, Object> values;

  public RewardParams(Map<String, Object> values) {
    this.values = values == null ? Map.of() : Map.copyOf(values);
  }

  public static RewardParams empty() {
    return new RewardParams(Map.of());
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public RewardParams allowOnly(String... keys) {
    Set<String> allowed = Set.of(keys);
    for (String key : values.keySet()) {
      if (!allowed.contains(key)) {
        throw new ConfigException(
            "params: unknown key '" + key + "'; known keys here: " + new TreeSet<>(allowed));
      }
    }
    return this;
  }

  public double doubleValue(String key, double defaultValue) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw ConfigException.badValue("params." + key, value, "a finite number");
  }

  public int intValue(String key, int defaultValue) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      long v = ((Number) value).longValue();
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return (int) v;
      }
    }
    throw ConfigException.badValue("params." + key, value, "an integer");
  }

  public boolean booleanValue(String key, boolean defaultValue) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw ConfigException.badValue("params." + key, value, "true or false");
  }

  public String stringValue(String key, String defaultValue) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    throw ConfigException.badValue("params." + key, value, "a non-empty string");
  }

  /**
   * A list of strings, e.g. {@code [<think>, </think>]}; every element must be a non-empty string,
   * and the list may be empty only when {@code allowEmpty}.
   */
  public List<String> stringList(String key, List<String> defaultValue, boolean allowEmpty) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    String expected = (allowEmpty ? "a" : "a non-empty") + " list of non-empty strings";
    if (!(value instanceof List<?> list) || (list.isEmpty() && !allowEmpty)) {
      throw ConfigException.badValue("params." + key, value, expected);
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s) || s.isEmpty()) {
        throw ConfigException.badValue(
            "params." + key + "[" + i + "]", list.get(i), "a non-empty string");
      }
      result.add(s);
    }
    return List.copyOf(result);
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    Object value = values.get(key);
    return value == null ? defaultValue : parseEnum("params." + key, value, type);
  }

  /** A list of enum constants written in lower case, e.g. {@code [answer_tag, boxed]}. */
  public <E extends Enum<E>> List<E> enumList(String key, Class<E> type, List<E> defaultValue) {
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw ConfigException.badValue("params." + key, value, "a non-empty list of " + names(type));
    }
    List<E> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      result.add(parseEnum("params." + key + "[" + i + "]", list.get(i), type));
    }
    return List.copyOf(result);
  }

  private static <E extends Enum<E>> E parseEnum(String key, Object value, Class<E> type) {
    if (value instanceof String s) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(s.trim())) {
          return constant;
        }
      }
    }
    throw ConfigException.badValue(key, value, "one of " + names(type));
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT));
    }
    return names.toString();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
