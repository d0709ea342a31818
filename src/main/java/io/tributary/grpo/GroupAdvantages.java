package io.tributary.grpo;

/**
 * Advantages of one batch of groups, in the order of the rewards they came from, and which groups
 * had rewards that were all equal (and so carry no learning signal).
 *
 * @param advantages one advantage per completion, {@code groups * groupSize} entries
 * @param zeroStdGroups per group: true when every reward of the group is equal
 * @param groupSize completions per prompt (G)
 */
public record GroupAdvantages(double[] advantages, boolean[] zeroStdGroups, int groupSize) {

  public int groupCount() {
    return zeroStdGroups.length;
  }

  public int zeroStdGroupCount() {
    int count = 0;
    for (boolean zero : zeroStdGroups) {
      if (zero) {
        count++;
      }
    }
    return count;
  }

  /** TRL's {@code frac_reward_zero_std}: the share of groups whose rewards are all equal. */
  public double fracRewardZeroStd() {
    return groupCount() == 0 ? 0.0 : (double) zeroStdGroupCount() / groupCount();
  }

  /** The advantages of group {@code group}, a copy. */
  public double[] group(int group) {
    double[] out = new double[groupSize];
    System.arraycopy(advantages, group * groupSize, out, 0, groupSize);
    return out;
  }
}
