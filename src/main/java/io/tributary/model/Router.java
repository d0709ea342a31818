package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/**
 * Top-k gate of a MoE layer (DeepSeek-V3 inference/model.py, Gate). Selection uses scores plus a
 * per-expert bias; the gate weights use the scores alone (auxiliary-loss-free balancing,
 * DeepSeek-V3 §2.1.2). The bias is a non-trainable parameter so checkpoints carry it; an imported
 * DeepSeek-V3 model's e_score_correction_bias is this bias, and balancing goes on from it. With
 * routerGroups above 1 the selection is group-limited ({@link GroupLimitedSelection}).
 */
final class Router extends ModelBlock {
  private final Parameter weight;
  private final Parameter bias;
  private final int experts;
  private final int topK;
  private final ScoringFunction scoring;
  private final boolean normalizeTopK;
  private final int groups;
  private final int topKGroups;
  private final long[] load; // tokens routed to each expert since the last bias update

  Router(ModelConfig config) {
    experts = config.routedExperts();
    topK = config.topK();
    scoring = config.scoring();
    normalizeTopK = config.normalizeTopK();
    groups = config.routerGroups();
    topKGroups = config.routerTopKGroups();
    weight = parameter("weight", Init.NORMAL, true, experts, config.dim());
    bias = parameter("selection_bias", Init.ZEROS, false, experts);
    load = new long[experts];
  }

  /** Scores, renormalised gates and chosen experts for N tokens. */
  record Routing(NDArray scores, NDArray gates, int[] chosen, int tokens, int topK) {}

  /**
   * x (N, C) -> routing of N tokens. Under routing replay, a token whose experts {@code context}
   * gives uses them instead of its own choice; its gates still come from this router's scores over
   * those experts, so the router keeps its gradient (veRL's and Megatron's router replay do the
   * same). The selection bias only selects, so it plays no part in a replayed token.
   */
  Routing route(NDArray x, RoutingContext context, int moeLayer) {
    NDArray logits = Linear.linear(x, weight.getArray()).singletonOrThrow(); // (N, E)
    NDArray scores =
        scoring == ScoringFunction.SOFTMAX
            ? logits.softmax(-1)
            : logits.getNDArrayInternal().sigmoid();
    float[] hostScores = scores.toFloatArray();
    float[] selectionBias = bias.getArray().toFloatArray();
    int n = hostScores.length / experts;
    int[] replayed = context.replayedRoutes(moeLayer, n);
    int[] chosen = new int[n * topK];
    float[] mask = new float[n * experts];
    for (int token = 0; token < n; token++) {
      if (replayed != null && replayed[token * topK] >= 0) {
        replay(replayed, token, chosen);
      } else if (groups > 1) {
        selectInGroups(hostScores, selectionBias, token, chosen);
      } else {
        selectTopK(hostScores, selectionBias, token, chosen);
      }
      for (int j = 0; j < topK; j++) {
        int e = chosen[token * topK + j];
        mask[token * experts + e] = 1f;
        if (context.training() && context.isValid(token)) {
          load[e]++;
        }
      }
    }
    context.record(moeLayer, chosen);
    NDManager manager = x.getManager();
    NDArray gates = scores.mul(manager.create(mask, new Shape(n, experts))); // (N, E), K non-zero
    // DeepSeek-V3's inference code always renormalises sigmoid gates; transformers does so only
    // with norm_topk_prob, which imported configs carry here, so the flag alone decides
    if (normalizeTopK) {
      // floor the denominator: when the bias selects experts whose softmax scores underflowed
      // to 0, a tiny epsilon here made d(gate)/d(score) ~1e20 and the backward overflowed
      gates = gates.div(Scalars.maximum(gates.sum(new int[] {-1}, true), 1e-6f));
    }
    return new Routing(scores, gates, chosen, n, topK);
  }

  private void replay(int[] replayed, int token, int[] chosen) {
    for (int j = 0; j < topK; j++) {
      int e = replayed[token * topK + j];
      for (int prev = 0; prev < j; prev++) {
        if (chosen[token * topK + prev] == e) {
          e = -1; // the same expert twice would double its gate
        }
      }
      if (e < 0 || e >= experts) {
        throw new IllegalArgumentException(
            "replayed routes of token "
                + token
                + ": "
                + java.util.Arrays.toString(
                    java.util.Arrays.copyOfRange(replayed, token * topK, (token + 1) * topK))
                + ", expected "
                + topK
                + " distinct experts in 0.."
                + (experts - 1));
      }
      chosen[token * topK + j] = e;
    }
  }

  private void selectTopK(float[] scores, float[] selectionBias, int token, int[] chosen) {
    int base = token * experts;
    for (int j = 0; j < topK; j++) {
      int best = -1;
      float bestValue = Float.NEGATIVE_INFINITY;
      outer:
      for (int e = 0; e < experts; e++) {
        for (int prev = 0; prev < j; prev++) {
          if (chosen[token * topK + prev] == e) {
            continue outer;
          }
        }
        float value = scores[base + e] + selectionBias[e];
        if (value > bestValue) {
          bestValue = value;
          best = e;
        }
      }
      chosen[token * topK + j] = best;
    }
  }

  private void selectInGroups(float[] scores, float[] selectionBias, int token, int[] chosen) {
    float[] biased = new float[experts];
    for (int e = 0; e < experts; e++) {
      biased[e] = scores[token * experts + e] + selectionBias[e];
    }
    int[] best = GroupLimitedSelection.choose(biased, groups, topKGroups, topK);
    System.arraycopy(best, 0, chosen, token * topK, topK);
  }

  /**
   * Sequence-wise balance loss (DeepSeek-V3 eq. 17-20): α Σ_i f_i P_i per sequence, averaged over
   * the batch, with f_i = E/(K·T) · count_i and P_i the mean normalised score of expert i.
   */
  NDArray balanceLoss(Routing routing, int batch, int time, RoutingContext context, double alpha) {
    boolean[] valid = context.validTokens();
    float[] frequency = new float[batch * experts];
    float[] tokenWeight = new float[batch * time];
    for (int b = 0; b < batch; b++) {
      int validCount = 0;
      for (int t = 0; t < time; t++) {
        if (valid == null || valid[b * time + t]) {
          validCount++;
        }
      }
      if (validCount == 0) {
        continue;
      }
      for (int t = 0; t < time; t++) {
        int token = b * time + t;
        if (valid != null && !valid[token]) {
          continue;
        }
        tokenWeight[token] = 1f / validCount;
        for (int j = 0; j < topK; j++) {
          frequency[b * experts + routing.chosen()[token * topK + j]] +=
              (float) experts / (topK * validCount);
        }
      }
    }
    NDManager manager = routing.scores().getManager();
    NDArray normalised = routing.scores().div(routing.scores().sum(new int[] {-1}, true)); // (N, E)
    NDArray weighted =
        normalised.mul(manager.create(tokenWeight, new Shape(batch * time, 1))); // (N, E)
    NDArray meanScore = weighted.reshape(batch, time, experts).sum(new int[] {1}); // (B, E)
    NDArray perSequence =
        meanScore.mul(manager.create(frequency, new Shape(batch, experts))).sum(new int[] {1});
    return Scalars.mul(perSequence.mean(), (float) alpha);
  }

  /** Tokens routed to each expert since the last {@link #updateBias}. */
  long[] load() {
    return load.clone();
  }

  /** b_i += γ · sign(mean load − load_i), then the load counters restart. */
  void updateBias(double gamma) {
    long total = 0;
    for (long l : load) {
      total += l;
    }
    if (total == 0 || gamma == 0) {
      java.util.Arrays.fill(load, 0);
      return;
    }
    double mean = (double) total / experts;
    float[] b = bias.getArray().toFloatArray();
    for (int e = 0; e < experts; e++) {
      b[e] += (float) (gamma * Math.signum(mean - load[e]));
    }
    bias.getArray().set(b);
    java.util.Arrays.fill(load, 0);
  }

  float[] selectionBias() {
    return bias.getArray().toFloatArray();
  }
}
