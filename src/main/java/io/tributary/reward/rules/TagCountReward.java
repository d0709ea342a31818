package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.List;

/**
 * Partial credit for the think/answer layout: an equal share for each of {@code "<think>\n"},
 * {@code "\n</think>\n"}, {@code "\n<answer>\n"} and {@code "\n</answer>"} that occurs exactly once
 * (0.25 each). This is open-r1's {@code tag_count_reward}, a denser signal than {@link
 * FormatReward} early in training.
 *
 * <p>The markers follow the {@link ThinkLayout}'s tags, without the answer's two when the answer is
 * free text. A marker the chat template wrote is no credit of the completion's, so when the prompt
 * opened the think block the opening marker is left out and the others share the whole point: every
 * completion of a group would otherwise get the same free quarter.
 */
public final class TagCountReward implements RewardFunction {
  private final ThinkLayout layout;

  public TagCountReward() {
    this(ThinkLayout.R1);
  }

  public TagCountReward(ThinkLayout layout) {
    this.layout = layout;
  }

  @Override
  public RewardResult score(Rollout rollout) {
    boolean promptOpened = layout.promptOpensThink(rollout.prompt());
    List<String> markers = new ArrayList<>();
    if (!promptOpened) {
      markers.add(layout.thinkOpen() + "\n");
    }
    markers.add("\n" + layout.thinkClose() + "\n");
    if (layout.hasAnswerTags()) {
      markers.add("\n" + layout.answerOpen() + "\n");
      markers.add("\n" + layout.answerClose());
    }
    String text = layout.assistantTurn(rollout, true);
    int present = 0;
    for (String marker : markers) {
      if (FormatReward.occurrences(text, marker) == 1) {
        present++;
      }
    }
    return RewardResult.score((double) present / markers.size());
  }

  /** {@code tag_count}: the {@link ThinkLayout} params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "tag_count";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly(ThinkLayout.PARAM_KEYS.toArray(String[]::new));
      return new TagCountReward(ThinkLayout.fromParams(params));
    }
  }
}
