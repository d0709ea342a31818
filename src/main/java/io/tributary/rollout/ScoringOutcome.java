package io.tributary.rollout;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.ScoredGroup;

/**
 * What scoring made of one sampled group: the scored group, every member with a total; or, when a
 * reward function threw or timed out on a member (after any rescoring attempts), the group's dead
 * letter, so that it never reaches the scored-rollouts topic.
 */
public sealed interface ScoringOutcome {
  record Scored(ScoredGroup group) implements ScoringOutcome {}

  /** The letter's reason names the group, each member without a total, its functions and errors. */
  record Unscored(DeadLetter letter) implements ScoringOutcome {}
}
