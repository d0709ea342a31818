package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RewardsConfigTest {
  @Test
  void bindsAConfigAndFillsTheDefaults() {
    RewardsConfig config =
        RewardsConfig.parse(
            """
            rewards:
              - name: accuracy
                params: {extract: [boxed, last_number]}
              - name: format
                weight: 0.5
                timeoutMs: 300
            threads: 2
            """,
            "test.yaml");

    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.rewards().get(0))
        .isEqualTo(
            new RewardConfig(
                "accuracy", 1.0, Map.of("extract", List.of("boxed", "last_number")), 2000L));
    assertThat(config.rewards().get(1).weight()).isEqualTo(0.5);
    assertThat(config.rewards().get(1).timeoutMs()).isEqualTo(300);
  }

  @Test
  void aScorerBuiltFromConfigScoresWithTheNamedRewards() {
    RewardsConfig config =
        RewardsConfig.parse(
            """
            rewards:
              - {name: accuracy, weight: 1.0, params: {extract: [answer_tag]}}
              - {name: overlong, weight: 1.0, params: {maxLength: 10, buffer: 5, unit: characters}}
            """,
            "test.yaml");
    try (RewardScorer scorer = RewardScorer.fromConfig(config)) {
      RolloutScores scores =
          scorer.score(Rollout.of("q", "<answer>42</answer>", Map.of("answer", "42")));

      assertThat(scorer.names()).containsExactly("accuracy", "overlong");
      assertThat(scores.scores()).containsEntry("accuracy", 1.0).containsEntry("overlong", -1.0);
      assertThat(scores.total()).hasValue(0.0);
    }
  }

  /** A broken config and the words its error must contain. */
  record Broken(String yaml, List<String> messageParts, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Broken> brokenConfigs() {
    return Stream.of(
        new Broken("rewards: []", List.of("rewards", "non-empty"), "an empty reward list"),
        new Broken("threads: 2", List.of("rewards"), "no reward list at all"),
        new Broken(
            "rewards:\n  - {name: format, weigth: 1}",
            List.of("weigth", "known keys"),
            "a misspelt key in an entry"),
        new Broken(
            "rewards:\n  - {name: format}\nthreds: 2",
            List.of("threds"),
            "a misspelt top-level key"),
        new Broken("rewards:\n  - {weight: 1}", List.of("name"), "an entry without a name"),
        new Broken(
            "rewards:\n  - {name: format, weight: 1e400}",
            List.of("weight", "finite"),
            "a weight that overflows to infinity"),
        new Broken(
            "rewards:\n  - {name: format, weight: heavy}",
            List.of("weight"),
            "a weight that is a word"),
        new Broken(
            "rewards:\n  - {name: format, timeoutMs: 0}",
            List.of("timeoutMs", "positive"),
            "a zero timeout"),
        new Broken(
            "rewards:\n  - {name: format}\n  - {name: format}",
            List.of("rewards[1].name", "format"),
            "the same reward twice"),
        new Broken(
            "rewards:\n  - {name: format}\nthreads: 0",
            List.of("threads", "at least 1"),
            "no threads"),
        new Broken(
            "rewards:\n  - {name: format, params: {x: null}}",
            List.of("params.x"),
            "a null parameter"),
        new Broken(
            "rewards:\n  - {name: format}\nonError: retry",
            List.of("onError", "'retry'", "deadLetter or rescore"),
            "an unknown onError"),
        new Broken(
            "rewards:\n  - {name: format}\nrescoreAttempts: 2",
            List.of("rescoreAttempts", "2", "unless onError is rescore"),
            "rescore attempts that would never be used"),
        new Broken(
            "rewards:\n  - {name: format}\nonError: rescore\nrescoreAttempts: 0",
            List.of("rescoreAttempts", "0", "1 to 10"),
            "rescoring with no attempt"),
        new Broken(
            "rewards:\n  - {name: format}\nonError: rescore\nrescoreAttempts: 11",
            List.of("rescoreAttempts", "11", "1 to 10"),
            "more rescoring attempts than a flaky function could need"));
  }

  @Test
  void aFailedGroupGoesToTheDeadLettersUnlessRescoringIsAsked() {
    RewardsConfig plain = RewardsConfig.parse("rewards:\n  - {name: format}", "test.yaml");
    RewardsConfig rescore =
        RewardsConfig.parse("rewards:\n  - {name: format}\nonError: rescore", "test.yaml");
    RewardsConfig three =
        RewardsConfig.parse(
            "rewards:\n  - {name: format}\nonError: rescore\nrescoreAttempts: 3", "test.yaml");

    assertThat(plain.onError()).isEqualTo(OnRewardError.DEAD_LETTER);
    assertThat(plain.rescoreAttempts()).isZero();
    assertThat(rescore.onError()).isEqualTo(OnRewardError.RESCORE);
    assertThat(rescore.rescoreAttempts()).isEqualTo(1);
    assertThat(three.rescoreAttempts()).isEqualTo(3);
    // the rollout job ships the config as YAML to its operators
    assertThat(RewardsConfig.parse(io.tributary.config.Yaml.write(three), "written.yaml"))
        .isEqualTo(three);
    try (RewardScorer scorer = RewardScorer.fromConfig(three)) {
      assertThat(scorer.rescoreAttempts()).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenConfigs")
  void rejectsABrokenConfigNamingTheKey(Broken b) {
    assertThatThrownBy(() -> RewardsConfig.parse(b.yaml(), "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad.yaml")
        .hasMessageContainingAll(b.messageParts().toArray(String[]::new));
  }

  static Stream<Broken> badRewardEntries() {
    return Stream.of(
        new Broken(
            "rewards:\n  - {name: format}\n  - {name: acuracy}",
            List.of("rewards[1].name", "'acuracy'", "accuracy", "overlong"),
            "an unknown reward name lists the known ones"),
        new Broken(
            "rewards:\n  - {name: overlong, params: {maxLen: 10}}",
            List.of("rewards[0].params", "unknown key 'maxLen'", "maxLength"),
            "an unknown parameter"),
        new Broken(
            "rewards:\n  - {name: overlong, params: {maxLength: ten}}",
            List.of("rewards[0].params.maxLength", "'ten'", "integer"),
            "a parameter of the wrong type"),
        new Broken(
            "rewards:\n  - {name: overlong, params: {maxLength: 10, buffer: 20}}",
            List.of("rewards[0].params.buffer", "20"),
            "a parameter out of range"),
        new Broken(
            "rewards:\n  - {name: accuracy, params: {extract: [boxed, last_word]}}",
            List.of("rewards[0].params.extract[1]", "last_word", "answer_tag"),
            "an unknown extraction mode"),
        new Broken(
            "rewards:\n  - {name: length, params: {unit: words}}",
            List.of("rewards[0].params.unit", "tokens", "characters"),
            "an unknown length unit"),
        new Broken(
            "rewards:\n  - {name: repetition, params: {maxPenalty: 1}}",
            List.of("rewards[0].params.maxPenalty"),
            "a positive repetition penalty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRewardEntries")
  void rejectsABadRewardEntryNamingItsIndexAndKey(Broken b) {
    RewardsConfig config = RewardsConfig.parse(b.yaml(), "bad.yaml");

    assertThatThrownBy(() -> RewardScorer.fromConfig(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(b.messageParts().toArray(String[]::new));
  }

  @Test
  void theRegistryFindsEveryBuiltIn() {
    assertThat(RewardRegistry.load().names())
        .contains("accuracy", "format", "tag_count", "length", "cosine", "repetition", "overlong");
  }
}
