package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * 1 when the assistant's turn is exactly one think block followed by one answer block, each tag on
 * its own line, else 0: the layout of DeepSeek-R1's template, with open-r1's {@code format_reward}
 * pattern {@code ^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$}. Stricter than that pattern in
 * one way: each tag must occur once, so a second answer block hidden in the first fails. Only
 * trailing whitespace (a final newline before end-of-sequence) is forgiven.
 *
 * <p>The tags come from a {@link ThinkLayout}: a model's own tags, a free-text answer after the
 * think block (Qwen3, DeepSeek-R1), and a think block that the chat template opened in the prompt,
 * in which case the turn judged is the prompt's opening tag followed by the completion.
 */
public final class FormatReward implements RewardFunction {
  private final ThinkLayout layout;
  private final boolean newlines;
  private final Pattern pattern;

  public FormatReward() {
    this(ThinkLayout.R1, true);
  }

  /** {@code newlines} false accepts {@code <think>…</think><answer>…</answer>} on one line. */
  public FormatReward(boolean newlines) {
    this(ThinkLayout.R1, newlines);
  }

  public FormatReward(ThinkLayout layout, boolean newlines) {
    this.layout = layout;
    this.newlines = newlines;
    this.pattern = pattern(layout, newlines);
  }

  /**
   * With newlines: {@code OPEN\n…\nCLOSE\nA_OPEN\n…\nA_CLOSE}, or {@code OPEN\n…\nCLOSE\n} then a
   * non-blank answer when there are no answer tags; without: the same with any whitespace (or none)
   * around the tags.
   */
  private static Pattern pattern(ThinkLayout layout, boolean newlines) {
    String nl = newlines ? "\n" : "";
    String between = newlines ? "\n" : "\\s*";
    String think =
        Pattern.quote(layout.thinkOpen()) + nl + ".*?" + nl + Pattern.quote(layout.thinkClose());
    String answer =
        layout.hasAnswerTags()
            ? between
                + Pattern.quote(layout.answerOpen())
                + nl
                + ".*?"
                + nl
                + Pattern.quote(layout.answerClose())
            : between + "\\s*\\S.*";
    return Pattern.compile(think + answer, Pattern.DOTALL);
  }

  @Override
  public RewardResult score(Rollout rollout) {
    String text = layout.assistantTurn(rollout, newlines).stripTrailing();
    for (String tag : layout.tags()) {
      if (occurrences(text, tag) != 1) {
        return RewardResult.score(0.0);
      }
    }
    return RewardResult.score(pattern.matcher(text).matches() ? 1.0 : 0.0);
  }

  static int occurrences(String text, String tag) {
    int count = 0;
    for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length())) {
      count++;
    }
    return count;
  }

  /** {@code format}: {@code newlines} (true) and the {@link ThinkLayout} params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "format";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      List<String> keys = new ArrayList<>(ThinkLayout.PARAM_KEYS);
      keys.add("newlines");
      params.allowOnly(keys.toArray(String[]::new));
      return new FormatReward(
          ThinkLayout.fromParams(params), params.booleanValue("newlines", true));
    }
  }
}
