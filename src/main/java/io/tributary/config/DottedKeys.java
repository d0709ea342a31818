package io.tributary.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Dotted keys ({@code grpo.sampling.temperature}) on a config's YAML tree, before it is bound: how
 * an experiment's settings, a replay's {@code --set} and a model's sampling defaults change a run
 * config, so that the result goes through the same strict binding as a file and a misspelt key is
 * the same clear error.
 */
public final class DottedKeys {
  private DottedKeys() {}

  /** {@code root} as a mapping, or an error naming {@code source}. */
  public static ObjectNode mapping(JsonNode root, String source) {
    if (root instanceof ObjectNode tree) {
      return tree;
    }
    throw new ConfigException(source + ": expected a config (a mapping of keys)");
  }

  /**
   * Sets {@code dotted} to {@code value}, creating the sections on the way; a key on the way that
   * holds a value, not a section, is an error naming the key.
   */
  public static void put(ObjectNode root, String dotted, JsonNode value) {
    String[] parts = dotted.split("\\.");
    section(root, parts, parts.length - 1, dotted, value).set(parts[parts.length - 1], value);
  }

  /** The section at {@code dotted}, created empty where absent or null. */
  public static ObjectNode section(ObjectNode root, String dotted) {
    String[] parts = dotted.split("\\.");
    return section(root, parts, parts.length, dotted, null);
  }

  private static ObjectNode section(
      ObjectNode root, String[] parts, int depth, String dotted, JsonNode value) {
    ObjectNode node = root;
    for (int i = 0; i < depth; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || child.isNull()) {
        child = node.putObject(parts[i]);
      } else if (!(child instanceof ObjectNode)) {
        throw ConfigException.badValue(
            dotted, value, "a key inside a section, but " + parts[i] + " holds a value");
      }
      node = (ObjectNode) child;
    }
    return node;
  }
}
