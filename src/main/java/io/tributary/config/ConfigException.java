package io.tributary.config;

/**
 * A configuration value that cannot be used; the message names the input, the key and the value.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The standard message for one bad key: {@code key: got value, expected what}. */
  public static ConfigException badValue(String key, Object value, String expected) {
    return new ConfigException(key + ": got " + render(value) + ", expected " + expected);
  }

  private static String render(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
