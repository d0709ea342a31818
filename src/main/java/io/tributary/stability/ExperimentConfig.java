package io.tributary.stability;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.config.Yaml;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MoE stability experiment ({@code ./tributary experiment}): every setting with every seed,
 * each a closed-loop run ({@code ./tributary run}) of the base config with the setting's keys
 * changed, all starting from one SFT cold start.
 *
 * @param base the run config every run starts from (configs/moe-stability/base.yaml)
 * @param seeds each setting runs once per seed (the run's {@code seed} and {@code grpo.seed})
 * @param settings the rows of the table
 * @param collapse when a run counts as collapsed
 * @param set dotted keys changed in every run before the setting's own (e.g. a shorter budget for a
 *     reduced experiment), so the base config stays the one of the full experiment
 */
public record ExperimentConfig(
    Path base,
    List<Long> seeds,
    List<Setting> settings,
    CollapseRule collapse,
    Map<String, Object> set) {
  public ExperimentConfig {
    if (base == null) {
      throw badValue("base", null, "the path of a run config");
    }
    if (seeds == null || seeds.isEmpty()) {
      throw badValue("seeds", seeds, "one or more seeds");
    }
    if (new HashSet<>(seeds).size() != seeds.size()) {
      throw badValue("seeds", seeds, "distinct seeds");
    }
    if (settings == null || settings.isEmpty()) {
      throw badValue("settings", settings, "one or more settings");
    }
    if (settings.stream().map(Setting::name).distinct().count() != settings.size()) {
      throw badValue("settings", settings.stream().map(Setting::name).toList(), "distinct names");
    }
    for (Setting s : settings) {
      for (String key : s.set().keySet()) {
        if (shapesColdStart(key)) {
          throw badValue(
              "settings." + s.name() + ".set." + key,
              s.set().get(key),
              "a key the settings may differ in: every setting starts from one SFT cold start,"
                  + " so the model, the task, the seed and the sft* keys belong in the"
                  + " experiment's set:, which the cold start is trained with");
        }
      }
    }
    seeds = List.copyOf(seeds);
    settings = List.copyOf(settings);
    collapse = collapse != null ? collapse : CollapseRule.defaults();
    set = set != null ? Map.copyOf(set) : Map.of();
  }

  /** The keys a run of {@code setting} changes: the experiment's, then the setting's. */
  public Map<String, Object> overrides(Setting setting) {
    Map<String, Object> all = new LinkedHashMap<>(set);
    all.putAll(setting.set());
    return all;
  }

  /** Whether {@code dottedKey} changes what the shared SFT cold start is trained from. */
  static boolean shapesColdStart(String dottedKey) {
    String top =
        dottedKey.contains(".") ? dottedKey.substring(0, dottedKey.indexOf('.')) : dottedKey;
    return top.equals("model")
        || top.equals("task")
        || top.equals("dataset")
        || top.equals("seed")
        || top.startsWith("sft");
  }

  public static ExperimentConfig read(Path file) {
    return Yaml.read(file, ExperimentConfig.class);
  }

  public static ExperimentConfig parse(String yaml, String source) {
    return Yaml.read(yaml, ExperimentConfig.class, source);
  }
}
