package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.regex.Pattern;

/**
 * 1 when the completion is exactly one think block followed by one answer block, each tag on its
 * own line, else 0: the layout of DeepSeek-R1's template, with open-r1's {@code format_reward}
 * pattern {@code ^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$}. Stricter than that pattern in
 * one way: each tag must occur once, so a second answer block hidden in the first fails. Only
 * trailing whitespace (a final newline before end-of-sequence) is forgiven.
 */
public final class FormatReward implements RewardFunction {
  private static final Pattern LAYOUT =
      Pattern.compile("<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>", Pattern.DOTALL);

  /** The same blocks without the newlines, the layout of the built-in character-level tasks. */
  private static final Pattern COMPACT_LAYOUT =
      Pattern.compile("<think>.*?</think>\\s*<answer>.*?</answer>", Pattern.DOTALL);

  private final Pattern layout;

  public FormatReward() {
    this(true);
  }

  /** {@code newlines} false accepts {@code <think>…</think><answer>…</answer>} on one line. */
  public FormatReward(boolean newlines) {
    this.layout = newlines ? LAYOUT : COMPACT_LAYOUT;
  }

  private static final String[] TAGS = {"<think>", "</think>", "<answer>", "</answer>"};

  @Override
  public RewardResult score(Rollout rollout) {
    String text = rollout.completion().stripTrailing();
    for (String tag : TAGS) {
      if (occurrences(text, tag) != 1) {
        return RewardResult.score(0.0);
      }
    }
    return RewardResult.score(layout.matcher(text).matches() ? 1.0 : 0.0);
  }

  static int occurrences(String text, String tag) {
    int count = 0;
    for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length())) {
      count++;
    }
    return count;
  }

  /** {@code format}: no params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "format";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("newlines");
      return new FormatReward(params.booleanValue("newlines", true));
    }
  }
}
