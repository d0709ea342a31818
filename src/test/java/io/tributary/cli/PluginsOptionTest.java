package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.PluginJar;
import io.tributary.reward.RewardPlugins;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plug-in that cannot load stops the command before it starts anything, saying why. */
class PluginsOptionTest {
  @TempDir Path dir;

  @AfterEach
  void forgetActivePlugins() {
    RewardPlugins.deactivate();
  }

  private Path plugin(String className, String createBody) {
    return plugin("plugins", className, "mine", createBody);
  }

  private Path plugin(String dirName, String className, String rewardName, String createBody) {
    Path plugins = dir.resolve(dirName);
    PluginJar.build(
        dir.resolve("build-" + className),
        plugins.resolve("mine.jar"),
        Map.of(
            "com/example/" + className + ".java",
            """
            package com.example;

            import io.tributary.reward.*;

            public final class %s implements RewardProvider {
              public String name() {
                return "%s";
              }

              public RewardFunction create(RewardParams params) {
                %s
              }
            }
            """
                .formatted(className, rewardName, createBody)),
        "com.example." + className);
    return plugins;
  }

  private Path rolloutsConfig(String rewardEntry, String pluginsEntry) throws Exception {
    return Files.writeString(
        dir.resolve("rollouts.yaml"),
        """
        policyCheckpoint: '%s'
        initModel: configs/model/small.yaml
        runDir: '%s'
        rewards:
          %s
          rewards:
            - %s
        """
            .formatted(dir.resolve("policy.ckpt"), dir.resolve("run"), pluginsEntry, rewardEntry));
  }

  private int execute(StringWriter err, String... args) {
    return TributaryCli.commandLine().setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aPluginDirectoryOnTheCommandLineWithABrokenJarStopsTheRolloutJobBeforeItStarts()
      throws Exception {
    Path plugins = dir.resolve("plugins");
    PluginJar.build(
        dir.resolve("build"),
        plugins.resolve("broken.jar"),
        Map.of(),
        List.of("com.example.NotThere"),
        List.of());
    Path config = rolloutsConfig("{name: accuracy}", "");
    StringWriter err = new StringWriter();

    int code =
        execute(err, "rollouts", "--config", config.toString(), "--plugins", plugins.toString());

    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .contains(plugins.resolve("broken.jar").toString(), "com.example.NotThere")
        .contains("ClassNotFoundException");
    assertThat(dir.resolve("policy.ckpt")).as("nothing started").doesNotExist();
  }

  @Test
  void paramsAConfiguredPluginRefusesStopTheRolloutJobBeforeItStarts() throws Exception {
    Path plugins = plugin("Strict", "params.allowOnly(); return r -> RewardResult.score(1);");
    Path config =
        rolloutsConfig("{name: mine, params: {extra: 1}}", "plugins: ['" + plugins + "']");
    StringWriter err = new StringWriter();

    int code = execute(err, "rollouts", "--config", config.toString());

    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .contains("rewards[0].params: unknown key 'extra'")
        .contains("com.example.Strict", plugins.resolve("mine.jar").toString());
    assertThat(dir.resolve("policy.ckpt")).as("nothing started").doesNotExist();
  }

  @Test
  void aPluginThatThrowsWhileCreatingItsFunctionStopsTheRunBeforeItStarts() throws Exception {
    Path plugins = plugin("Failing", "throw new IllegalStateException(\"model file missing\");");
    Path config =
        Files.writeString(
            dir.resolve("run.yaml"),
            """
            rewards:
              rewards:
                - {name: mine}
            """);
    StringWriter err = new StringWriter();

    int code =
        execute(
            err,
            "run",
            "--config",
            config.toString(),
            "--run-dir",
            dir.resolve("run").toString(),
            "--plugins",
            plugins.toString());

    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .contains("com.example.Failing", plugins.resolve("mine.jar").toString())
        .contains("IllegalStateException: model file missing");
    assertThat(dir.resolve("run")).as("nothing started").doesNotExist();
  }

  @Test
  void aPluginDirectoryThatDoesNotExistStopsTheBenchmark() {
    StringWriter err = new StringWriter();

    int code = execute(err, "bench", "rewards", "--plugins", dir.resolve("nowhere").toString());

    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("nowhere", "a directory of plug-in jars");
  }

  @Test
  void pluginsOfTheCommandLineAndOfTheConfigAreOneSetForTheWholeProcess() {
    Path fromCommandLine = plugin("cli", "Cli", "from_cli", "return r -> RewardResult.score(1);");
    Path fromConfig = plugin("cfg", "Cfg", "from_config", "return r -> RewardResult.score(1);");
    PluginOptions options = new PluginOptions();
    options.directories.add(fromCommandLine);

    options.activate(
        io.tributary.reward.RewardsConfig.parse(
            """
            plugins: ['%s']
            rewards: [{name: from_cli}, {name: from_config}]
            """
                .formatted(fromConfig),
            "both.yaml"));

    // what a rollout task on the embedded MiniCluster builds its rewards from
    assertThat(io.tributary.reward.RewardRegistry.load().names())
        .contains("from_cli", "from_config");
  }
}
