package io.tributary.reward.model;

import io.tributary.reward.Rollout;
import java.util.List;

/**
 * Scores a group in batches of at most {@code batchSize} rows: the loop both model rewards share.
 */
final class GroupBatches {
  /** Scores (prompts, completions) of one batch, one float per row. */
  interface BatchScorer {
    float[] score(List<String> prompts, List<String> completions);
  }

  private GroupBatches() {}

  static float[] score(List<Rollout> group, int batchSize, BatchScorer scorer) {
    float[] out = new float[group.size()];
    for (int from = 0; from < group.size(); from += batchSize) {
      List<Rollout> batch = group.subList(from, Math.min(group.size(), from + batchSize));
      float[] scores =
          scorer.score(
              batch.stream().map(Rollout::prompt).toList(),
              batch.stream().map(Rollout::completion).toList());
      System.arraycopy(scores, 0, out, from, scores.length);
    }
    return out;
  }
}
