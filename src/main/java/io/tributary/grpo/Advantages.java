package io.tributary.grpo;

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
