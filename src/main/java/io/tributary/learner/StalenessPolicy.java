package io.tributary.learner;

/**
 * What the learner does with a group sampled more than {@code maxStaleness} policy versions ago:
 * drop it, or keep it with its advantages scaled by factor^(age − maxStaleness).
 */
public enum StalenessPolicy {
  DROP,
  DOWNWEIGHT
}
