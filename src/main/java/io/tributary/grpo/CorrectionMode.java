package io.tributary.grpo;

/**
 * Which policy the surrogate's ratio is clipped against.
 *
 * <p>{@link #COUPLED}: the behaviour policy that sampled the rollout (standard PPO/GRPO, where the
 * behaviour and the proximal policy are one). {@link #DECOUPLED}: the proximal policy, the
 * learner's weights before this update, recomputed by one extra no-grad forward; the gap between
 * the behaviour and the proximal policy is carried by a separate, truncated importance weight
 * (AReaL, Fu et al. 2025, arXiv:2505.24298, the decoupled PPO objective; Hilton et al. 2021, "Batch
 * size-invariance for policy optimization").
 */
public enum CorrectionMode {
  COUPLED,
  DECOUPLED
}
