package io.tributary.grpo;

import io.tributary.model.Completion;
import io.tributary.reward.RolloutScores;
import java.util.List;

/**
 * One prompt's G sampled completions with their rewards, the policy version that sampled them, and
 * a weight on its advantages (1, or less for a down-weighted stale group); the unit GRPO compares
 * within.
 */
public record RolloutGroup(
    String promptId,
    int[] promptTokens,
    List<Completion> completions,
    List<String> texts,
    List<RolloutScores> scores,
    long policyVersion,
    double weight) {

  public RolloutGroup {
    if (completions.size() != scores.size()) {
      throw new IllegalArgumentException(
          "group "
              + promptId
              + ": "
              + completions.size()
              + " completions but "
              + scores.size()
              + " scores");
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException(
          "group " + promptId + ": weight " + weight + ", expected [0, 1]");
    }
  }

  public int size() {
    return completions.size();
  }

  public double[] totals() {
    return scores.stream().mapToDouble(RolloutScores::total).toArray();
  }

  public RolloutGroup withWeight(double w) {
    return new RolloutGroup(promptId, promptTokens, completions, texts, scores, policyVersion, w);
  }
}
