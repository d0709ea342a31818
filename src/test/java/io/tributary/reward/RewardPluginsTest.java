package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-in jars found in directories, and every way a plug-in can fail to load: each stops before
 * anything runs, with an error naming the jar, the class and the cause.
 */
class RewardPluginsTest {
  @TempDir Path dir;
  @TempDir static Path shared;
  private static Path lengthPlugin; // built once: compiling is most of this class's time

  /** A directory with one jar whose {@code length_chars} scores the completion's length. */
  private static synchronized Path lengthPlugin() {
    if (lengthPlugin == null) {
      lengthPlugin = shared.resolve("length-plugin");
      PluginJar.build(
          shared.resolve("build"),
          lengthPlugin.resolve("lengthprovider.jar"),
          Map.of(
              "com/example/LengthProvider.java",
              provider("LengthProvider", "length_chars", SCORES_LENGTH)),
          "com.example.LengthProvider");
    }
    return lengthPlugin;
  }

  @AfterEach
  void forgetActivePlugins() {
    RewardPlugins.deactivate();
  }

  /** A provider of the given reward name whose function scores the completion's length. */
  private static String provider(String className, String rewardName, String createBody) {
    return """
        package com.example;

        import io.tributary.reward.*;

        public final class %s implements RewardProvider {
          @Override
          public String name() {
            return "%s";
          }

          @Override
          public RewardFunction create(RewardParams params) {
            %s
          }
        }
        """
        .formatted(className, rewardName, createBody);
  }

  private static final String SCORES_LENGTH =
      """
      params.allowOnly("scale");
      double scale = params.doubleValue("scale", 1.0);
      return rollout -> RewardResult.score(scale * rollout.completion().length());
      """;

  private Path plugin(String dirName, String className, String rewardName, String createBody) {
    Path plugins = dir.resolve(dirName);
    PluginJar.build(
        dir.resolve("build-" + className),
        plugins.resolve(className.toLowerCase() + ".jar"),
        Map.of("com/example/" + className + ".java", provider(className, rewardName, createBody)),
        "com.example." + className);
    return plugins;
  }

  @Test
  void aJarInAPluginDirectoryProvidesARewardByName() {
    Path plugins = lengthPlugin();

    RewardPlugins loaded = RewardPlugins.open(List.of(plugins));
    RewardRegistry registry = RewardRegistry.load(loaded.classLoader());

    assertThat(loaded.jars()).containsExactly(plugins.resolve("lengthprovider.jar"));
    assertThat(registry.names()).contains("length_chars", "accuracy", "judge");
    RewardFunction function = registry.create("length_chars", Map.of("scale", 0.5));
    assertThat(function.score(Rollout.of("q", "abcd", Map.of())))
        .isEqualTo(RewardResult.score(2.0));
  }

  @Test
  void activatedPluginsReachEveryScorerOfTheProcessAndItsChildJvms() {
    Path plugins = lengthPlugin();
    assertThat(RewardRegistry.load().names()).doesNotContain("length_chars");

    RewardPlugins.activate(List.of(plugins));

    assertThat(RewardRegistry.load().names()).contains("length_chars");
    assertThat(System.getProperty(RewardPlugins.PROPERTY))
        .isEqualTo(plugins.toAbsolutePath().toString());
    assertThat(io.tributary.process.ChildJvm.command(List.of(), getClass(), List.of()))
        .contains("-D" + RewardPlugins.PROPERTY + "=" + plugins.toAbsolutePath());
  }

  @Test
  void aChildJvmLoadsThePluginsItsParentPassedOn() {
    Path plugins = lengthPlugin();
    System.setProperty(RewardPlugins.PROPERTY, plugins.toString()); // as the child starts

    assertThat(RewardRegistry.load().names()).contains("length_chars");
  }

  @Test
  void theRewardsConfigNamesItsPluginDirectories() {
    Path plugins = lengthPlugin();
    RewardsConfig config =
        RewardsConfig.parse(
            """
            plugins: ['%s']
            rewards:
              - {name: length_chars, params: {scale: 2.0}}
            """
                .formatted(plugins),
            "plugins.yaml");

    try (RewardScorer scorer = RewardScorer.fromConfig(config)) {
      assertThat(scorer.score(Rollout.of("q", "abc", Map.of())).scores())
          .containsEntry("length_chars", 6.0);
    }
  }

  @Test
  void aDeclaredProviderClassThatIsMissingNamesJarAndClass() {
    Path plugins = dir.resolve("plugins");
    PluginJar.build(
        dir.resolve("build"),
        plugins.resolve("broken.jar"),
        Map.of("com/example/Present.java", provider("Present", "present", SCORES_LENGTH)),
        List.of("com.example.Present", "com.example.Absent"),
        List.of());

    assertThatThrownBy(() -> RewardPlugins.open(List.of(plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(plugins.resolve("broken.jar").toString())
        .hasMessageContaining("com.example.Absent")
        .hasMessageContaining("ClassNotFoundException");
  }

  @Test
  void aProviderWhoseSuperTypeIsMissingNamesJarClassAndTheMissingClass() {
    Path plugins = dir.resolve("plugins");
    PluginJar.build(
        dir.resolve("build"),
        plugins.resolve("half.jar"),
        Map.of(
            "com/example/Base.java",
            "package com.example;\npublic abstract class Base implements"
                + " io.tributary.reward.RewardProvider {}\n",
            "com/example/Child.java",
            provider("Child", "child", SCORES_LENGTH)
                .replace("implements RewardProvider", "extends Base")),
        List.of("com.example.Child"),
        List.of("com/example/Base.class"));

    assertThatThrownBy(() -> RewardPlugins.open(List.of(plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("half.jar")
        .hasMessageContaining("com.example.Child")
        .hasMessageContaining("NoClassDefFoundError")
        .hasMessageContaining("com/example/Base");
  }

  @Test
  void aPluginThatTakesABuiltInNameIsRefused() {
    Path plugins = plugin("plugins", "FakeAccuracy", "accuracy", SCORES_LENGTH);

    assertThatThrownBy(() -> RewardPlugins.open(List.of(plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("fakeaccuracy.jar")
        .hasMessageContaining("com.example.FakeAccuracy")
        .hasMessageContaining("'accuracy' is already taken by a built-in reward");
  }

  @Test
  void twoPluginsWithOneNameAreRefusedNamingBoth() {
    Path first = plugin("one", "First", "same", SCORES_LENGTH);
    Path second = plugin("two", "Second", "same", SCORES_LENGTH);

    assertThatThrownBy(() -> RewardPlugins.open(List.of(first, second)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("second.jar")
        .hasMessageContaining("com.example.Second")
        .hasMessageContaining("com.example.First in " + first.resolve("first.jar"));
  }

  @Test
  void aProviderThatThrowsWhileCreatingItsFunctionStopsTheScorerBeingBuilt() {
    Path plugins =
        plugin("plugins", "Throwing", "throwing", "throw new IllegalStateException(\"no GPU\");");
    RewardPlugins.activate(List.of(plugins));

    assertThatThrownBy(
            () -> RewardScorer.fromConfig(RewardsConfig.of(RewardConfig.of("throwing", 1.0))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rewards[0]")
        .hasMessageContaining("throwing.jar")
        .hasMessageContaining("com.example.Throwing")
        .hasMessageContaining("IllegalStateException: no GPU");
  }

  @Test
  void paramsAPluginDoesNotAcceptAreAnErrorNamingThePlugin() {
    Path plugins = lengthPlugin();
    RewardPlugins.activate(List.of(plugins));

    assertThatThrownBy(
            () ->
                RewardScorer.fromConfig(
                    RewardsConfig.of(
                        new RewardConfig("length_chars", 1.0, Map.of("scael", 2.0), null))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rewards[0].params: unknown key 'scael'")
        .hasMessageContaining("lengthprovider.jar")
        .hasMessageContaining("com.example.LengthProvider");
  }

  @Test
  void aConstructorThatThrowsNamesJarClassAndCause() {
    Path plugins = dir.resolve("plugins");
    PluginJar.build(
        dir.resolve("build"),
        plugins.resolve("ctor.jar"),
        Map.of(
            "com/example/Ctor.java",
            provider("Ctor", "ctor", SCORES_LENGTH)
                .replace(
                    "public final class Ctor implements RewardProvider {",
                    "public final class Ctor implements RewardProvider {\n"
                        + "  public Ctor() { throw new IllegalArgumentException(\"licence\"); }")),
        "com.example.Ctor");

    assertThatThrownBy(() -> RewardPlugins.open(List.of(plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ctor.jar")
        .hasMessageContaining("com.example.Ctor")
        .hasMessageContaining("IllegalArgumentException: licence");
  }

  @Test
  void aDeclaredClassThatIsNotAProviderIsRefused() {
    Path plugins = dir.resolve("plugins");
    PluginJar.build(
        dir.resolve("build"),
        plugins.resolve("wrong.jar"),
        Map.of("com/example/Plain.java", "package com.example;\npublic class Plain {}\n"),
        "com.example.Plain");

    assertThatThrownBy(() -> RewardPlugins.open(List.of(plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("wrong.jar")
        .hasMessageContaining("com.example.Plain")
        .hasMessageContaining("does not implement io.tributary.reward.RewardProvider");
  }

  @Test
  void aPluginDirectoryThatDoesNotExistIsAConfigError() {
    assertThatThrownBy(() -> RewardPlugins.open(List.of(dir.resolve("nowhere"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plugins")
        .hasMessageContaining("nowhere")
        .hasMessageContaining("a directory of plug-in jars");
  }

  @Test
  void aJarWithoutAServiceFileIsALibraryOfAPlugin() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(lengthPlugin().resolve("lengthprovider.jar"), plugins.resolve("lengthprovider.jar"));
    try (var out =
        new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("lib.jar")))) {
      out.putNextEntry(new java.util.jar.JarEntry("com/example/data.txt"));
      out.write("data".getBytes());
      out.closeEntry();
    }

    assertThat(RewardPlugins.open(List.of(plugins)).jars()).hasSize(2);
  }

  @Test
  void theDirectoryListUsesThePathSeparator() {
    assertThat(RewardPlugins.parse("a" + java.io.File.pathSeparator + " b "))
        .containsExactly(Path.of("a"), Path.of("b"));
    assertThat(RewardPlugins.parse(null)).isEmpty();
    assertThat(RewardPlugins.parse(" ")).isEmpty();
  }
}
