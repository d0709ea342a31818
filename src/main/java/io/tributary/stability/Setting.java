package io.tributary.stability;

import static io.tributary.config.ConfigException.badValue;

import java.util.Map;

/**
 * One setting of the experiment: a name for the table and the run-config keys it changes, dotted
 * ({@code grpo.aggregation: gspo}, {@code grpo.routingReplay: replay}); every other key is the base
 * config's.
 */
public record Setting(String name, Map<String, Object> set) {
  public Setting {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw badValue(
          "settings[].name", name, "letters, digits, '.', '_' or '-' (a directory name)");
    }
    set = set != null ? Map.copyOf(set) : Map.of();
  }
}
