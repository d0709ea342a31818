package io.tributary.grpo;

/**
 * What the group-centred reward is divided by. TRL's {@code scale_rewards} ("group", "batch",
 * "none"); {@link #NONE} is Dr. GRPO's fix for the question-level difficulty bias (Liu et al. 2025,
 * "Understanding R1-Zero-Like Training: A Critical Perspective", section 3.1).
 */
public enum AdvantageScaling {
  /** Divide by the standard deviation of the rewards of the same group (DeepSeekMath, eq. 4). */
  GROUP,
  /** Divide by the standard deviation of all rewards of the batch (TRL scale_rewards="batch"). */
  BATCH,
  /** Do not divide: A_i = r_i - mean(group) (Dr. GRPO). */
  NONE
}
