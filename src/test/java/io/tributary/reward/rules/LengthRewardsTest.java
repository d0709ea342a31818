package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rewards;
import io.tributary.reward.Rollout;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LengthRewardsTest {
  /** A rollout for gold 42 with {@code tokens} completion token ids, answering {@code answer}. */
  static Rollout rollout(int tokens, String answer) {
    return new Rollout(
        "q",
        tokens == 0 ? "" : "<answer>" + answer + "</answer>",
        IntStream.range(0, tokens).toArray(),
        Map.of("answer", "42"));
  }

  static double value(RewardResult r) {
    return ((RewardResult.Score) r).value();
  }

  record Overlong(int length, double expected, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Overlong> overlongTable() {
    // maxLength 100, buffer 20: the soft zone is (80, 100]
    return Stream.of(
        new Overlong(0, 0.0, "an empty completion is not penalised"),
        new Overlong(50, 0.0, "well inside the budget"),
        new Overlong(80, 0.0, "exactly at the start of the soft zone"),
        new Overlong(81, -0.05, "one token into the soft zone"),
        new Overlong(90, -0.5, "half way through the soft zone"),
        new Overlong(100, -1.0, "exactly at the maximum length"),
        new Overlong(101, -1.0, "past the maximum: the full penalty"),
        new Overlong(5000, -1.0, "far past the maximum"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlongTable")
  void overlongIsDaposSoftPunishment(Overlong c) {
    RewardResult r = Rewards.overlong(100, 20).score(rollout(c.length(), "42"));

    assertThat(value(r)).isCloseTo(c.expected(), within(1e-12));
  }

  @Test
  void overlongInTokensIsNotApplicableWithoutTokenIds() {
    RewardResult r = Rewards.overlong(100, 20).score(Rollout.of("q", "text", Map.of()));

    assertThat(r).isInstanceOf(RewardResult.NotApplicable.class);
  }

  @Test
  void overlongRejectsABufferLargerThanTheMaximum() {
    assertThatThrownBy(() -> Rewards.overlong(100, 200))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.buffer");
  }

  record Cosine(int length, String answer, double expected, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Cosine> cosineTable() {
    // maxLength 100, open-r1's values: correct 1.0 -> 0.5, wrong -1.0 -> -0.5
    return Stream.of(
        new Cosine(
            1,
            "42",
            0.75 + 0.25 * Math.cos(Math.PI / 100),
            "a correct one-token answer gets nearly maxValueCorrect"),
        new Cosine(50, "42", 0.75, "a correct answer at half the budget: the midpoint"),
        new Cosine(100, "42", 0.5, "a correct answer at maxLength gets minValueCorrect"),
        new Cosine(400, "42", 0.5, "a correct answer past maxLength is clamped"),
        new Cosine(
            1,
            "41",
            -0.75 - 0.25 * Math.cos(Math.PI / 100),
            "a short wrong answer gets nearly the strongest penalty"),
        new Cosine(50, "41", -0.75, "a wrong answer at half the budget"),
        new Cosine(100, "41", -0.5, "a long wrong answer is penalised least"),
        new Cosine(25, "42", 0.5 + 0.25 * (1 + Math.cos(Math.PI / 4)), "a quarter of the budget"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cosineTable")
  void cosineScalesByLengthAndCorrectness(Cosine c) {
    RewardResult r = Rewards.cosine(100, LengthUnit.TOKENS).score(rollout(c.length(), c.answer()));

    assertThat(value(r)).isCloseTo(c.expected(), within(1e-12));
  }

  @Test
  void cosineIsNotApplicableWhenTheGoldAnswerIsProse() {
    Rollout prose =
        new Rollout(
            "q",
            "<answer>x</answer>",
            new int[] {1},
            Map.of("answer", "energy is made in the mitochondria of every cell"));

    assertThat(Rewards.cosine().score(prose)).isInstanceOf(RewardResult.NotApplicable.class);
  }

  record Kimi(List<Integer> lengths, List<String> answers, List<Double> expected, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Kimi> kimiTable() {
    return Stream.of(
        // lambda = 0.5 - (len - 10) / (30 - 10): 0.5, 0, -0.5
        new Kimi(
            List.of(10, 20, 30),
            List.of("42", "42", "42"),
            List.of(0.5, 0.0, -0.5),
            "all correct: shortest +0.5, longest -0.5"),
        new Kimi(
            List.of(10, 20, 30),
            List.of("41", "41", "41"),
            List.of(0.0, 0.0, -0.5),
            "all wrong: only min(0, lambda)"),
        new Kimi(
            List.of(10, 30),
            List.of("41", "42"),
            List.of(0.0, -0.5),
            "a short wrong and a long correct answer"),
        new Kimi(
            List.of(15, 15, 15),
            List.of("42", "41", "42"),
            List.of(0.0, 0.0, 0.0),
            "equal lengths give zero to all"),
        new Kimi(List.of(7), List.of("42"), List.of(0.0), "a group of one gives zero"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kimiTable")
  void lengthIsKimisGroupRelativePenalty(Kimi c) {
    List<Rollout> group =
        IntStream.range(0, c.lengths().size())
            .mapToObj(i -> rollout(c.lengths().get(i), c.answers().get(i)))
            .toList();

    List<RewardResult> results = Rewards.length().scoreGroup(group);

    assertThat(results.stream().map(LengthRewardsTest::value).toList())
        .usingComparatorForType(
            (a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b), Double.class)
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(c.expected());
  }

  @Test
  void lengthLeavesOutRolloutsWhoseGoldAnswerCannotBeRead() {
    Rollout unreadable = new Rollout("q", "<answer>1</answer>", new int[] {1, 2}, Map.of());
    List<RewardResult> results =
        Rewards.length().scoreGroup(List.of(rollout(10, "42"), unreadable, rollout(30, "42")));

    assertThat(results.get(1)).isInstanceOf(RewardResult.NotApplicable.class);
    assertThat(value(results.get(0))).isEqualTo(0.5);
    assertThat(value(results.get(2))).isEqualTo(-0.5);
  }

  @Test
  void lengthInCharactersNeedsNoTokenIds() {
    List<Rollout> group =
        List.of(
            Rollout.of("q", "\\boxed{42}", Map.of("answer", "42")),
            Rollout.of("q", "long text \\boxed{42}", Map.of("answer", "42")));

    List<RewardResult> results = Rewards.length(LengthUnit.CHARACTERS).scoreGroup(group);

    assertThat(results).containsExactly(RewardResult.score(0.5), RewardResult.score(-0.5));
  }

  record Repetition(String completion, double expected, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Repetition> repetitionTable() {
    // n = 3, maxPenalty = -1
    return Stream.of(
        new Repetition("", 0.0, "the empty completion"),
        new Repetition("too short", 0.0, "fewer words than one n-gram"),
        new Repetition("the cat sat on the mat", 0.0, "no repeated trigram"),
        // 6 trigrams, 3 distinct: a b c / b c a / c a b
        new Repetition("a b c a b c a b", -0.5, "a repeating cycle: 1 - 3/6"),
        new Repetition("A b C a B c a b", -0.5, "case does not matter"),
        // 4 trigrams, all "go go go"
        new Repetition("go go go go go go", -0.75, "one word repeated: 1 - 1/4"),
        new Repetition(
            "one  two\nthree   one two three", -0.25, "any whitespace splits words: 1 - 3/4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("repetitionTable")
  void repetitionPenalisesRepeatedNgrams(Repetition c) {
    RewardResult r = Rewards.repetition().score(Rollout.of("q", c.completion(), Map.of()));

    assertThat(value(r)).isCloseTo(c.expected(), within(1e-12));
  }

  @Test
  void repetitionRejectsAPositivePenalty() {
    assertThatThrownBy(() -> Rewards.repetition(3, 0.5))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.maxPenalty");
  }
}
