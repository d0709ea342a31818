package io.tributary.reward;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reward section of a run config: the rewards to apply, in the order their scores are reported,
 * and the number of threads that run them.
 */
public record RewardsConfig(List<RewardSpec> rewards, Integer threads) {
  public RewardsConfig {
    if (rewards == null || rewards.isEmpty()) {
      throw ConfigException.badValue("rewards", rewards, "a non-empty list of rewards");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rewards.size(); i++) {
      RewardSpec spec = rewards.get(i);
      if (spec == null) {
        throw ConfigException.badValue("rewards[" + i + "]", null, "a reward entry");
      }
      if (!seen.add(spec.name())) {
        // scores and errors are keyed by name, so one name may appear once
        throw ConfigException.badValue(
            "rewards[" + i + "].name", spec.name(), "a name not used by an earlier entry");
      }
    }
    rewards = List.copyOf(rewards);
    threads = threads == null ? Math.min(4, Runtime.getRuntime().availableProcessors()) : threads;
    if (threads < 1) {
      throw ConfigException.badValue("threads", threads, "at least 1");
    }
  }

  public static RewardsConfig of(RewardSpec... rewards) {
    return new RewardsConfig(List.of(rewards), null);
  }

  public static RewardsConfig read(Path file) {
    return Yaml.read(file, RewardsConfig.class);
  }

  public static RewardsConfig parse(String yaml, String source) {
    return Yaml.read(yaml, RewardsConfig.class, source);
  }
}
