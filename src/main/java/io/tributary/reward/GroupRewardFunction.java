package io.tributary.reward;

import java.util.List;

/**
 * A reward that scores the G completions of one prompt together: group-relative rewards (Kimi
 * k1.5's length reward compares lengths within the group) and batched reward models. The scorer
 * calls {@link #scoreGroup} once per group under one timeout; an error then fails the function for
 * every rollout of the group, because there is no per-rollout result to keep.
 */
public interface GroupRewardFunction extends RewardFunction {
  /** Returns one result per rollout, in the order of {@code group}. */
  @Override
  List<RewardResult> scoreGroup(List<Rollout> group);

  /** A single rollout is a group of one. */
  @Override
  default RewardResult score(Rollout rollout) {
    return scoreGroup(List.of(rollout)).get(0);
  }
}
