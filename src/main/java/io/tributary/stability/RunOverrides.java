package io.tributary.stability;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.run.RunConfig;
import java.util.Map;

/**
 * A run config with dotted keys replaced, bound through the same strict YAML binding as a config
 * file, so a misspelt key or a bad value is the same clear error as in the file itself.
 */
public final class RunOverrides {
  private RunOverrides() {}

  /**
   * {@code baseYaml} with each dotted key of {@code set} replaced, then the run's {@code seed} and
   * {@code grpo.seed} set to {@code seed}.
   */
  public static RunConfig apply(
      String baseYaml, String source, Map<String, Object> set, long seed) {
    JsonNode root;
    try {
      root = Yaml.mapper().readTree(baseYaml);
    } catch (Exception e) {
      throw new ConfigException(source + ": not YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode tree)) {
      throw new ConfigException(source + ": expected a run config (a mapping of keys)");
    }
    set.forEach((key, value) -> put(tree, key, value, source));
    put(tree, "seed", seed, source);
    put(tree, "grpo.seed", seed, source);
    return Yaml.read(Yaml.write(tree), RunConfig.class, source + " with " + set + ", seed " + seed);
  }

  private static void put(ObjectNode tree, String dotted, Object value, String source) {
    String[] parts = dotted.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || child.isNull()) {
        child = node.putObject(parts[i]);
      } else if (!(child instanceof ObjectNode)) {
        throw badValue(
            source + ": " + dotted,
            value,
            "a key inside a mapping, but " + parts[i] + " is a value");
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], Yaml.mapper().valueToTree(value));
  }
}
