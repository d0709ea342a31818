package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LayoutRewardsTest {
  /** A completion, its format score, its tag_count score, and why. */
  record Case(String completion, double format, double tagCount, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Case> table() {
    return Stream.of(
        // the exact R1 layout earns everything
        new Case("<think>\nreason\n</think>\n<answer>\n42\n</answer>", 1, 1, "the R1 layout"),
        // a final newline before end-of-sequence is forgiven by format
        new Case(
            "<think>\nreason\n</think>\n<answer>\n42\n</answer>\n", 1, 1, "a trailing newline"),
        // multi-line reasoning is fine
        new Case(
            "<think>\nstep 1\nstep 2\n</think>\n<answer>\n42\n</answer>",
            1,
            1,
            "multi-line thinking"),
        // tags on the same line as the content break the strict layout and the newline markers
        new Case("<think>reason</think><answer>42</answer>", 0, 0, "tags without newlines"),
        // the answer before the thinking; "\n<answer>\n" has no newline before it at the start
        new Case(
            "<answer>\n42\n</answer>\n<think>\nreason\n</think>\n",
            0,
            0.75,
            "blocks in the wrong order"),
        // text before the think block
        new Case(
            "Sure!\n<think>\nreason\n</think>\n<answer>\n42\n</answer>",
            0,
            1,
            "a preamble before <think>"),
        // text after the answer block
        new Case(
            "<think>\nreason\n</think>\n<answer>\n42\n</answer>\nDone",
            0,
            1,
            "text after </answer>"),
        // two answer blocks: both scores see the duplicates
        new Case(
            "<think>\nr\n</think>\n<answer>\n1\n</answer>\n<answer>\n2\n</answer>",
            0,
            0.5,
            "two answer blocks"),
        // no answer block at all: only the think markers count
        new Case("<think>\nreason\n</think>\n42", 0, 0.5, "no answer block"),
        // a lone opening think tag
        new Case("<think>\nreason without end", 0, 0.25, "only an opening think tag"),
        // plain text
        new Case("42", 0, 0, "no tags at all"),
        // the empty completion
        new Case("", 0, 0, "an empty completion"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void formatRewardsOnlyTheStrictLayout(Case c) {
    assertThat(new FormatReward().score(Rollout.of("q", c.completion(), Map.of())))
        .isEqualTo(RewardResult.score(c.format()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void tagCountGivesAQuarterPerWellPlacedTag(Case c) {
    assertThat(new TagCountReward().score(Rollout.of("q", c.completion(), Map.of())))
        .isEqualTo(RewardResult.score(c.tagCount()));
  }
}
