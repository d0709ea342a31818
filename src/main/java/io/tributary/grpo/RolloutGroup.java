package io.tributary.grpo;

import io.tributary.model.Completion;
import io.tributary.reward.RolloutScores;
import io.tributary.tasks.TaskPrompt;
import java.util.List;

/**
 * One prompt's G sampled completions with their rewards, and the policy version that sampled them;
 * the unit GRPO compares within.
 */
public record RolloutGroup(
    TaskPrompt prompt,
    int[] promptTokens,
    List<Completion> completions,
    List<String> texts,
    List<RolloutScores> scores,
    long policyVersion) {

  public int size() {
    return completions.size();
  }

  public double[] totals() {
    return scores.stream().mapToDouble(RolloutScores::total).toArray();
  }
}
