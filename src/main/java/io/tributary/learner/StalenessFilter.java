package io.tributary.learner;

import io.tributary.messages.ScoredGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounded staleness: a group sampled more than {@code maxStaleness} policy versions before the
 * version being trained is stale, and is dropped or kept with its advantages scaled by factor^(age
 * − maxStaleness). Off-policy samples far behind the learner bias the update; the bound is what
 * makes the asynchronous loop safe to run.
 */
public final class StalenessFilter {
  private final LearnerConfig config;

  public StalenessFilter(LearnerConfig config) {
    this.config = config;
  }

  /** A group that goes on to the update, with the weight of its advantages. */
  public record Kept(ScoredGroup group, double weight) {}

  /**
   * What to train on of a batch read while the learner was at {@code version}.
   *
   * @param staleRollouts rollouts in stale groups, kept or not
   * @param droppedRollouts rollouts in stale groups that were dropped
   */
  public record Outcome(List<Kept> kept, long staleRollouts, long droppedRollouts) {}

  public Outcome filter(List<ScoredGroup> batch, long version) {
    List<Kept> kept = new ArrayList<>();
    long stale = 0;
    long dropped = 0;
    for (ScoredGroup group : batch) {
      long age = version - group.policyVersion();
      double weight = 1.0;
      if (age > config.maxStaleness()) {
        stale += group.size();
        if (config.staleness() == StalenessPolicy.DROP) {
          dropped += group.size();
          continue;
        }
        weight = Math.pow(config.downweightFactor(), age - config.maxStaleness());
      }
      kept.add(new Kept(group, weight));
    }
    return new Outcome(List.copyOf(kept), stale, dropped);
  }
}
