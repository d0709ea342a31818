package io.tributary.grpo;

import io.tributary.model.Completion;
import io.tributary.reward.RolloutScores;
import java.util.List;

/**
 * One prompt's G sampled completions with their rewards, the policy version that sampled them, and
 * a weight on its advantages (1, or less for a down-weighted stale group); the unit GRPO compares
 * within. A group with a member whose reward functions failed ({@link #isScored()} false) has no
 * advantages and is never trained: the trainer refuses it.
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

  /** The totals of the members; fails on a group that {@link #isScored() is not scored}. */
  public double[] totals() {
    return scores.stream().mapToDouble(RolloutScores::requireTotal).toArray();
  }

  /** True when every member has a total. */
  public boolean isScored() {
    return scores.stream().allMatch(RolloutScores::isScored);
  }

  /**
   * Why the group is not scored: each member without a total and its failed functions, e.g. {@code
   * member 2: reward 'accuracy': timed out after 2000 ms}; empty for a scored group.
   */
  public String scoringFailure() {
    StringBuilder why = new StringBuilder();
    for (int i = 0; i < scores.size(); i++) {
      if (!scores.get(i).isScored()) {
        why.append(why.isEmpty() ? "" : "; ")
            .append("member ")
            .append(i)
            .append(": ")
            .append(RolloutScores.describeErrors(scores.get(i).errors()));
      }
    }
    return why.toString();
  }

  public RolloutGroup withWeight(double w) {
    return new RolloutGroup(promptId, promptTokens, completions, texts, scores, policyVersion, w);
  }
}
