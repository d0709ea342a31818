package io.tributary.cli;

import io.tributary.reward.RewardPlugins;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --plugins DIR} of every command that scores or trains: directories of reward plug-in jars
 * (docs/rewards.md), added to those of {@code TRIBUTARY_PLUGINS} and of the config's {@code
 * rewards.plugins}.
 */
final class PluginOptions {
  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "a directory of reward plug-in jars (repeatable; also TRIBUTARY_PLUGINS and the"
              + " config's rewards.plugins)")
  List<Path> directories = new ArrayList<>();

  /**
   * Loads and checks the plug-ins of the command line and the environment for the whole process
   * (and its child JVMs), before anything starts; a plug-in that cannot load stops the command.
   */
  void activate() {
    activate(List.of());
  }

  /**
   * As {@link #activate()}, with the config's plug-ins too (so that everything in this process, the
   * rollout job's tasks on the embedded MiniCluster included, sees one set), then builds every
   * configured reward once, so that none fails after the command has started.
   */
  void activate(RewardsConfig rewards) {
    activate(rewards.pluginDirectories());
    try (RewardScorer scorer = RewardScorer.fromConfig(rewards)) {
      scorer.names(); // built: every reward resolved, every plug-in accepted its params
    }
  }

  private void activate(List<Path> fromConfig) {
    List<Path> all = new ArrayList<>(directories);
    all.addAll(RewardPlugins.fromEnvironment());
    all.addAll(fromConfig);
    if (!all.isEmpty()) {
      RewardPlugins.activate(all);
    }
  }
}
