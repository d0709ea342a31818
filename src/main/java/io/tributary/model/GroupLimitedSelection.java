package io.tributary.model;

/**
 * Group-limited expert selection of DeepSeek-V3 (§2.1.2, "node-limited routing"), as transformers'
 * modeling_deepseek_v3.py (4.57) DeepseekV3TopkRouter.get_topk_indices computes it: experts form G
 * equal groups; a group's score is the sum of its two best biased scores; the best topKGroups
 * groups are kept, the other experts' biased scores become 0 (transformers' masked_fill value,
 * where DeepSeek's inference code uses −∞: the two agree whenever the kept experts' biased scores
 * are positive), and the top K of all experts are chosen. Ties go to the lower index.
 */
final class GroupLimitedSelection {
  private GroupLimitedSelection() {}

  /** The K experts chosen for one token from its E biased scores, best first. */
  static int[] choose(float[] biased, int groups, int topKGroups, int topK) {
    int experts = biased.length;
    int perGroup = experts / groups;
    float[] groupScore = new float[groups];
    for (int g = 0; g < groups; g++) {
      float best = Float.NEGATIVE_INFINITY;
      float second = Float.NEGATIVE_INFINITY;
      for (int e = g * perGroup; e < (g + 1) * perGroup; e++) {
        float value = biased[e];
        if (value > best) {
          second = best;
          best = value;
        } else if (value > second) {
          second = value;
        }
      }
      groupScore[g] = best + second;
    }
    boolean[] kept = new boolean[groups];
    for (int j = 0; j < topKGroups; j++) {
      int bestGroup = -1;
      for (int g = 0; g < groups; g++) {
        if (!kept[g] && (bestGroup < 0 || groupScore[g] > groupScore[bestGroup])) {
          bestGroup = g;
        }
      }
      kept[bestGroup] = true;
    }
    float[] masked = new float[experts];
    for (int e = 0; e < experts; e++) {
      masked[e] = kept[e / perGroup] ? biased[e] : 0f;
    }
    int[] chosen = new int[topK];
    boolean[] taken = new boolean[experts];
    for (int j = 0; j < topK; j++) {
      int best = -1;
      for (int e = 0; e < experts; e++) {
        if (!taken[e] && (best < 0 || masked[e] > masked[best])) {
          best = e;
        }
      }
      taken[best] = true;
      chosen[j] = best;
    }
    return chosen;
  }
}
