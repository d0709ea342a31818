package io.tributary.grpo;

/**
 * Where a rollout correction acts: on each token's ratio, on each sequence's ratio (the product of
 * its tokens' ratios), or nowhere. veRL's rollout correction calls these {@code token} and {@code
 * sequence} levels (Yao et al. 2025, "Your Efficient RL Framework Secretly Brings You Off-Policy RL
 * Training").
 */
public enum CorrectionLevel {
  NONE,
  TOKEN,
  SEQUENCE
}
