package io.tributary.stability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.ConfigException;
import io.tributary.config.DottedKeys;
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
    ObjectNode tree = changed(baseYaml, source, set);
    DottedKeys.put(tree, "seed", Yaml.mapper().valueToTree(seed));
    DottedKeys.put(tree, "grpo.seed", Yaml.mapper().valueToTree(seed));
    // RunConfig.parse, as for a file: an imported model's sampling defaults apply here too
    return RunConfig.parse(Yaml.write(tree), source + " with " + set + ", seed " + seed);
  }

  /** {@code baseYaml} with each dotted key of {@code set} replaced, its own seed kept. */
  public static RunConfig apply(String baseYaml, String source, Map<String, Object> set) {
    return RunConfig.parse(
        Yaml.write(changed(baseYaml, source, set)),
        set.isEmpty() ? source : source + " with " + set);
  }

  private static ObjectNode changed(String baseYaml, String source, Map<String, Object> set) {
    JsonNode root;
    try {
      root = Yaml.mapper().readTree(baseYaml);
    } catch (Exception e) {
      throw new ConfigException(source + ": not YAML: " + e.getMessage(), e);
    }
    ObjectNode tree = DottedKeys.mapping(root, source);
    set.forEach((key, value) -> DottedKeys.put(tree, key, Yaml.mapper().valueToTree(value)));
    return tree;
  }
}
