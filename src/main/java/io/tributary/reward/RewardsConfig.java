package io.tributary.reward;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reward section of a run config: the rewards to apply, in the order their scores are reported,
 * the number of threads that run them, what becomes of a group when a function throws or times out
 * on one of its members ({@link OnRewardError}; the dead letters unless {@code onError: rescore},
 * which makes the failed calls again up to {@code rescoreAttempts} times first), and the
 * directories of plug-in jars that provide rewards beyond the built-ins ({@link RewardPlugins}).
 * The plug-ins travel with the rewards, so the rollout job, its child JVMs and a resumed run load
 * the same jars.
 */
public record RewardsConfig(
    List<RewardConfig> rewards,
    Integer threads,
    OnRewardError onError,
    Integer rescoreAttempts,
    List<String> plugins) {
  /** Most rescoring attempts: a function that fails this often is broken, not unlucky. */
  public static final int MAX_RESCORE_ATTEMPTS = 10;

  public RewardsConfig {
    if (rewards == null || rewards.isEmpty()) {
      throw ConfigException.badValue("rewards", rewards, "a non-empty list of rewards");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rewards.size(); i++) {
      RewardConfig spec = rewards.get(i);
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
    onError = onError == null ? OnRewardError.DEAD_LETTER : onError;
    if (onError == OnRewardError.DEAD_LETTER) {
      if (rescoreAttempts != null && rescoreAttempts != 0) {
        throw ConfigException.badValue(
            "rescoreAttempts", rescoreAttempts, "no value unless onError is rescore");
      }
      rescoreAttempts = 0;
    } else {
      rescoreAttempts = rescoreAttempts == null ? 1 : rescoreAttempts;
      if (rescoreAttempts < 1 || rescoreAttempts > MAX_RESCORE_ATTEMPTS) {
        throw ConfigException.badValue(
            "rescoreAttempts",
            rescoreAttempts,
            "1 to " + MAX_RESCORE_ATTEMPTS + " with onError: rescore");
      }
    }
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
    for (int i = 0; i < plugins.size(); i++) {
      if (plugins.get(i).isBlank()) {
        throw ConfigException.badValue(
            "plugins[" + i + "]", plugins.get(i), "a directory of plug-in jars");
      }
    }
  }

  /** Dead-letters a group whose scoring failed, without rescoring, and loads no plug-ins. */
  public RewardsConfig(List<RewardConfig> rewards, Integer threads) {
    this(rewards, threads, null, null, null);
  }

  /** The same rewards for a process that has the plug-ins on its class loader already. */
  public RewardsConfig withoutPlugins() {
    return new RewardsConfig(rewards, threads, onError, rescoreAttempts, null);
  }

  /** The plug-in directories as paths. */
  public List<Path> pluginDirectories() {
    return plugins.stream().map(Path::of).toList();
  }

  public static RewardsConfig of(RewardConfig... rewards) {
    return new RewardsConfig(List.of(rewards), null);
  }

  public static RewardsConfig read(Path file) {
    return Yaml.read(file, RewardsConfig.class);
  }

  public static RewardsConfig parse(String yaml, String source) {
    return Yaml.read(yaml, RewardsConfig.class, source);
  }
}
