package io.tributary.model;

import java.util.Arrays;

/**
 * Experts a forward must use instead of choosing its own (routing replay: the learner routes each
 * completion position to the experts the sampler used, so the two compute the same function). Per
 * MoE layer, (N·K) ids of the flattened (B·T) positions; a position left at −1 routes freely.
 */
public final class ReplayedRoutes {
  private final int positions;
  private final int topK;
  private final int experts;
  private final int[][] ids; // (L)(N·K), −1 = route freely

  /** No position replayed yet, for {@code positions} positions of a model's MoE layers. */
  public ReplayedRoutes(ModelConfig config, int positions) {
    this.positions = positions;
    this.topK = config.topK();
    this.experts = config.routedExperts();
    this.ids = new int[config.moeLayers()][positions * topK];
    for (int[] layer : ids) {
      Arrays.fill(layer, -1);
    }
  }

  /**
   * Positions {@code first} .. {@code first} + T − 1 use the experts of the T tokens of {@code
   * trace}, in order.
   */
  public void put(int first, RoutingTrace trace) {
    if (trace.moeLayers() != ids.length || trace.topK() != topK || trace.experts() != experts) {
      throw new IllegalArgumentException(
          "routing trace of "
              + trace.moeLayers()
              + " MoE layers, top-"
              + trace.topK()
              + " of "
              + trace.experts()
              + " experts cannot be replayed on a model with "
              + ids.length
              + " MoE layers, top-"
              + topK
              + " of "
              + experts);
    }
    if (first < 0 || first + trace.tokens() > positions) {
      throw new IndexOutOfBoundsException(
          "replay of "
              + trace.tokens()
              + " traced tokens from position "
              + first
              + " exceeds the "
              + positions
              + " positions");
    }
    int[] all = trace.unpack(); // (T, L, K)
    int perToken = ids.length * topK;
    for (int token = 0; token < trace.tokens(); token++) {
      for (int layer = 0; layer < ids.length; layer++) {
        System.arraycopy(
            all, token * perToken + layer * topK, ids[layer], (first + token) * topK, topK);
      }
    }
  }

  /** Positions covered. */
  public int positions() {
    return positions;
  }

  /** (N·K) ids of MoE layer {@code moeLayer}, −1 where the position routes freely. */
  int[] layer(int moeLayer) {
    return ids[moeLayer];
  }
}
