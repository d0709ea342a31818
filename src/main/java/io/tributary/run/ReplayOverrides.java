package io.tributary.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.ConfigException;
import io.tributary.config.DottedKeys;
import io.tributary.config.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --set grpo.aggregation=gspo}: learner settings changed on a run's saved config for a
 * replay variant. Only the update may change ({@code grpo.*} but its sampling spec, which the
 * recorded groups were sampled with, and {@code learner.*}); the model, data and stream stay the
 * run's, or the variant would not be trained on the same stream.
 */
public final class ReplayOverrides {
  private ReplayOverrides() {}

  /** The run's config with each {@code dotted.key=value} applied, bound strictly. */
  public static RunConfig apply(Path savedConfig, List<String> sets) {
    JsonNode tree;
    try {
      tree = Yaml.mapper().readTree(Files.readString(savedConfig));
    } catch (IOException e) {
      throw new UncheckedIOException(savedConfig + ": cannot read: " + e, e);
    }
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw ConfigException.badValue(
            "--set", set, "a dotted key and a value, e.g. grpo.beta=0.01");
      }
      String key = set.substring(0, eq);
      String value = set.substring(eq + 1);
      if (!(key.startsWith("grpo.") || key.startsWith("learner."))
          || key.startsWith("grpo.sampling")) {
        throw ConfigException.badValue(
            "--set " + key,
            value,
            "a learner setting (grpo.* but grpo.sampling, or learner.*): the stream stays the run's");
      }
      JsonNode parsed;
      try {
        parsed = Yaml.mapper().readTree(value.isEmpty() ? "null" : value);
      } catch (IOException e) {
        throw ConfigException.badValue("--set " + key, value, "a YAML value");
      }
      DottedKeys.put(DottedKeys.mapping(tree, savedConfig.toString()), key, parsed);
    }
    return RunConfig.parse(Yaml.write(tree), savedConfig + " with --set " + String.join(" ", sets));
  }

  /** A directory name for the variant: its settings, in order. */
  public static String name(List<String> sets) {
    return String.join("_", sets).replaceAll("[^A-Za-z0-9._-]", "-");
  }
}
