package io.tributary.reward;

import java.util.ArrayList;
import java.util.List;

/**
 * A reward: scores one rollout. Throwing is allowed; the scorer turns an exception into an error
 * for this function on this rollout and keeps going.
 *
 * <p>The group method receives the G completions of one prompt. Its default scores them one by one;
 * rewards that need the whole group (Kimi k1.5's length reward) or that batch (reward models)
 * implement {@link GroupRewardFunction}, which the scorer calls once per group.
 */
@FunctionalInterface
public interface RewardFunction {
  RewardResult score(Rollout rollout);

  default List<RewardResult> scoreGroup(List<Rollout> group) {
    List<RewardResult> results = new ArrayList<>(group.size());
    for (Rollout rollout : group) {
      results.add(score(rollout));
    }
    return results;
  }
}
