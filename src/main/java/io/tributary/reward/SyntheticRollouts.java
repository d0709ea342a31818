package io.tributary.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic, realistic-looking rollouts for the reward benchmark: R1-style completions of
 * arithmetic word problems with reasoning of 40 to 600 words, answers as integers, fractions, boxed
 * LaTeX or prose, some with broken tags, some looping, and token ids at about 1.3 tokens per word;
 * the fields hold the gold answer and countdown's numbers and target.
 */
final class SyntheticRollouts {
  private static final String[] STEPS = {
    "First, compute the product of %d and %d, which gives %d.",
    "Then we subtract %d from %d to get %d.",
    "Let me double check: %d plus %d equals %d.",
    "Wait, I should verify that %d divided by 1 is %d, times %d.",
    "So the running total is now %d after adding %d and %d.",
  };

  private SyntheticRollouts() {}

  /** {@code groups} groups of {@code groupSize} completions, each group sharing a gold answer. */
  static List<List<Rollout>> groups(int groups, int groupSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<List<Rollout>> result = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      int gold = random.nextInt(10, 10_000);
      String prompt =
          "A shop sells " + gold + " pens over a week. How many pens is that? Think first.";
      List<Rollout> group = new ArrayList<>(groupSize);
      for (int i = 0; i < groupSize; i++) {
        group.add(rollout(prompt, gold, random));
      }
      result.add(List.copyOf(group));
    }
    return result;
  }

  private static Rollout rollout(String prompt, int gold, SplittableRandom random) {
    StringBuilder think = new StringBuilder();
    int targetWords = random.nextInt(40, 600);
    boolean loops = random.nextInt(10) == 0; // a tenth repeat one sentence over and over
    String loopSentence = String.format(STEPS[0], 3, 4, 12);
    int words = 0;
    while (words < targetWords) {
      String sentence =
          loops
              ? loopSentence
              : String.format(
                  STEPS[random.nextInt(STEPS.length)],
                  random.nextInt(100),
                  random.nextInt(100),
                  random.nextInt(1000));
      think.append(sentence).append(' ');
      words += sentence.split(" ").length;
    }
    boolean correct = random.nextInt(3) > 0;
    int value = correct ? gold : gold + random.nextInt(1, 50);
    String answer =
        switch (random.nextInt(5)) {
          case 0 -> String.valueOf(value);
          case 1 -> "\\boxed{" + value + "}";
          case 2 -> "The shop sells " + value + " pens.";
          case 3 -> "\\frac{" + (2 * value) + "}{2}";
          default -> "$" + String.format("%,d", value) + "$ pens";
        };
    String completion =
        random.nextInt(8) == 0
            ? think + "\nAnswer: " + answer // no tags at all
            : "<think>\n"
                + think.toString().trim()
                + "\n</think>\n<answer>\n"
                + answer
                + "\n</answer>";
    int[] tokenIds = new int[(int) Math.ceil(words * 1.3) + 12];
    for (int t = 0; t < tokenIds.length; t++) {
      tokenIds[t] = random.nextInt(32_000);
    }
    // countdown's fields: the gold answer is the one number to use, so a bare correct answer
    // verifies and the other answer forms are refused
    return new Rollout(
        prompt,
        completion,
        tokenIds,
        Map.of("answer", String.valueOf(gold), "numbers", List.of(gold), "target", gold));
  }
}
