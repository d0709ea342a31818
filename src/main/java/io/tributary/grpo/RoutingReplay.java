package io.tributary.grpo;

/**
 * Whether the learner's forward routes completion tokens itself or replays the experts the sampler
 * recorded (routing replay: the experts that produced a token while sampling also produce it in the
 * learner, so an MoE policy's importance ratios measure the policy change and not routing noise).
 */
public enum RoutingReplay {
  /** The learner's router chooses the experts of every token. */
  OFF,
  /**
   * Completion tokens use the sampler's recorded experts, gated by the learner's own router scores
   * over them; every rollout must then carry a routing trace.
   */
  REPLAY
}
