package io.tributary.grpo;

import io.tributary.messages.ScoredGroup;
import io.tributary.reward.rules.OverlongReward;

/**
 * Group-relative advantages, GRPO's replacement for a learned value function.
 *
 * <p>DeepSeekMath (Shao et al. 2024, arXiv:2402.03300), section 4.1.2 outcome supervision: {@code
 * A_i = (r_i - mean(r)) / std(r)} over the G completions of one prompt. As in TRL's {@code
 * grpo_trainer.py} the standard deviation is Bessel-corrected (torch.std's default) and {@code
 * 1e-4} is added to the denominator so that near-constant groups do not blow up.
 */
public final class Advantages {
  /** Added to the standard deviation before dividing (TRL grpo_trainer: {@code std + 1e-4}). */
  public static final double STD_EPSILON = 1e-4;

  private Advantages() {}

  /**
   * @param rewards one reward per completion, grouped contiguously: group g holds indices {@code [g
   *     * groupSize, (g + 1) * groupSize)}
   * @param groupSize completions per prompt (G), at least 2 (a group of one has no variance)
   * @param scaling what the centred reward is divided by
   * @return advantages in the order of {@code rewards}; a group whose rewards are all equal gets
   *     exactly zero advantage under every scaling. A non-finite reward makes its whole group's
   *     advantages NaN (and, under {@link AdvantageScaling#BATCH}, every advantage), so the
   *     trainer's non-finite loss check skips the update instead of learning from it.
   */
  public static GroupAdvantages compute(double[] rewards, int groupSize, AdvantageScaling scaling) {
    if (groupSize < 2) {
      throw new IllegalArgumentException(
          "groupSize: got " + groupSize + ", expected at least 2 completions per prompt");
    }
    if (rewards.length % groupSize != 0) {
      throw new IllegalArgumentException(
          "rewards: got "
              + rewards.length
              + " values, expected a multiple of groupSize "
              + groupSize);
    }
    int groups = rewards.length / groupSize;
    double[] advantages = new double[rewards.length];
    boolean[] zeroStd = new boolean[groups];
    double batchStd = scaling == AdvantageScaling.BATCH ? sampleStd(rewards, 0, rewards.length) : 0;
    for (int g = 0; g < groups; g++) {
      int from = g * groupSize;
      int to = from + groupSize;
      zeroStd[g] = allEqual(rewards, from, to);
      double mean = mean(rewards, from, to);
      double scale =
          switch (scaling) {
            case GROUP -> sampleStd(rewards, from, to) + STD_EPSILON;
            case BATCH -> batchStd + STD_EPSILON;
            case NONE -> 1.0;
          };
      for (int i = from; i < to; i++) {
        // the mean of equal values need not round back to them exactly: force the zero
        advantages[i] = zeroStd[g] ? 0.0 : (rewards[i] - mean) / scale;
      }
    }
    return new GroupAdvantages(advantages, zeroStd, groupSize);
  }

  /**
   * The advantages the learner trains a scored group's members with (before any staleness weight),
   * for consumers of the scored-groups topic: the wire carries rewards, and advantages depend on
   * the learner's settings. Each member's reward is its total plus, when {@code
   * grpo.overlongBuffer} is on, DAPO's soft overlong penalty over the group's token budget; then
   * {@link #compute} over the group with {@code grpo.advantageScaling} (BATCH over a single group
   * is GROUP).
   *
   * @param config the learner's GRPO settings (its scaling and overlong buffer)
   * @return one advantage per member, in sample order; NaN for every member of a group that is not
   *     scored
   */
  public static double[] forGroup(ScoredGroup group, GrpoConfig config) {
    double[] rewards = new double[group.size()];
    for (int i = 0; i < rewards.length; i++) {
      ScoredGroup.Member m = group.members().get(i);
      rewards[i] =
          penalisedReward(
              m.totalReward(),
              m.length(),
              group.sampling().maxNewTokens(),
              config.overlongBuffer());
    }
    return compute(rewards, rewards.length, config.advantageScaling()).advantages();
  }

  /**
   * A member's reward as advantages see it: its total, plus DAPO's soft overlong penalty (Yu et al.
   * 2025, §3.4) over the last {@code overlongBuffer} tokens of the budget when that is positive.
   */
  public static double penalisedReward(
      double total, int length, int maxNewTokens, int overlongBuffer) {
    return overlongBuffer > 0
        ? total + OverlongReward.penalty(length, maxNewTokens, overlongBuffer)
        : total;
  }

  private static boolean allEqual(double[] values, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      // NaN != NaN, so a group holding a NaN is never "all equal" and stays NaN
      if (!(values[i] == values[from])) {
        return false;
      }
    }
    return !Double.isNaN(values[from]);
  }

  private static double mean(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum / (to - from);
  }

  /** Bessel-corrected (n - 1) standard deviation, like torch.std. */
  static double sampleStd(double[] values, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return 0.0;
    }
    double mean = mean(values, from, to);
    double squares = 0;
    for (int i = from; i < to; i++) {
      double d = values[i] - mean;
      squares += d * d;
    }
    return Math.sqrt(squares / (n - 1));
  }
}
