package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in path end to end: a reward compiled at test time into its own jar, with its
 * META-INF/services file, is found by name once the jar is on a class loader, exactly as a user's
 * jar on the classpath would be.
 */
class ExternalRewardJarTest {
  private static final String SOURCE =
      """
      package com.example.rewards;

      import io.tributary.reward.RewardFunction;
      import io.tributary.reward.RewardParams;
      import io.tributary.reward.RewardProvider;
      import io.tributary.reward.RewardResult;

      /** Rewards politeness: the configured bonus when the completion says please. */
      public final class PoliteProvider implements RewardProvider {
        @Override
        public String name() {
          return "polite";
        }

        @Override
        public RewardFunction create(RewardParams params) {
          params.allowOnly("bonus");
          double bonus = params.doubleValue("bonus", 1.0);
          return rollout ->
              rollout.completion().contains("please")
                  ? RewardResult.score(bonus)
                  : RewardResult.score(0.0);
        }
      }
      """;

  @Test
  void aRewardInASeparatelyBuiltJarIsFoundByName(@TempDir Path dir) throws Exception {
    Path jar = buildJar(dir);

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      RewardRegistry registry = RewardRegistry.load(loader);
      assertThat(registry.names()).contains("polite", "accuracy");

      RewardsConfig config =
          RewardsConfig.parse(
              """
              rewards:
                - {name: polite, weight: 2.0, params: {bonus: 0.25}}
                - {name: accuracy}
              """,
              "plugin.yaml");
      try (RewardScorer scorer = RewardScorer.fromConfig(config, registry)) {
        RolloutScores scores =
            scorer.score(Rollout.of("q", "yes please, \\boxed{7}", Map.of("answer", "7")));

        assertThat(scores.scores()).containsEntry("polite", 0.25).containsEntry("accuracy", 1.0);
        assertThat(scores.total()).hasValue(1.5);
      }
    }
  }

  @Test
  void theJarIsInvisibleWithoutItsClassLoader() {
    assertThat(RewardRegistry.load(getClass().getClassLoader()).names()).doesNotContain("polite");
  }

  private static Path buildJar(Path dir) {
    return PluginJar.build(
        dir,
        dir.resolve("polite-reward.jar"),
        Map.of("com/example/rewards/PoliteProvider.java", SOURCE),
        "com.example.rewards.PoliteProvider");
  }
}
