package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.PluginJar;
import io.tributary.reward.RewardPlugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reward plug-ins travel with the rollout job as its jars, beside the job's own. */
class RolloutJobPluginJarsTest {
  @TempDir Path dir;

  @AfterEach
  void forgetActivePlugins() {
    RewardPlugins.deactivate();
  }

  @Test
  void thePluginJarsAreAddedToTheJarsTheEnvironmentAlreadyShips() {
    Path plugins = dir.resolve("plugins");
    Path jar =
        PluginJar.build(
            dir.resolve("build"),
            plugins.resolve("plugin.jar"),
            Map.of(
                "com/example/P.java",
                """
                package com.example;
                public final class P implements io.tributary.reward.RewardProvider {
                  public String name() { return "p"; }
                  public io.tributary.reward.RewardFunction create(io.tributary.reward.RewardParams params) {
                    return r -> io.tributary.reward.RewardResult.score(1);
                  }
                }
                """),
            "com.example.P");
    RewardPlugins.activate(List.of(plugins));
    // what `flink run` gives the job's environment: the job's own jar
    Configuration submitted = new Configuration();
    submitted.set(PipelineOptions.JARS, List.of("file:/opt/flink/usrlib/tributary-job.jar"));
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(submitted);

    RolloutJob.configure(
        env,
        StreamFixtures.config(
            dir.resolve("policy.ckpt"), StreamFixtures.kafka("x:9092", "t"), 1, "t"));

    assertThat(env.getConfiguration().get(PipelineOptions.JARS))
        .containsExactly(
            "file:/opt/flink/usrlib/tributary-job.jar", jar.toAbsolutePath().toUri().toString());
  }

  @Test
  void withoutPluginsTheJobsJarsAreLeftAlone() {
    Configuration submitted = new Configuration();
    submitted.set(PipelineOptions.JARS, List.of("file:/opt/flink/usrlib/tributary-job.jar"));
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(submitted);

    RolloutJob.configure(
        env,
        StreamFixtures.config(
            dir.resolve("policy.ckpt"), StreamFixtures.kafka("x:9092", "t"), 1, "t"));

    assertThat(env.getConfiguration().get(PipelineOptions.JARS))
        .containsExactly("file:/opt/flink/usrlib/tributary-job.jar");
  }
}
