package io.tributary.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws one token from a row of logits on the host: temperature, top-k, top-p, inverse CDF. */
final class TokenDraw {
  /**
   * Per-thread buffers of one row: over a vocabulary of 151,936 a fresh pair per row is 1.3 MB of
   * garbage per row and decode step, and each weights array a humongous G1 allocation, a cost of
   * the same order as the exponentials themselves. The values computed are the same.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private TokenDraw() {}

  private static final class Scratch {
    boolean[] allowed = new boolean[0];
    double[] weights = new double[0];

    /** Buffers of exactly {@code limit} entries (top-k sorts the whole weights array). */
    Scratch sized(int limit) {
      if (weights.length != limit) {
        allowed = new boolean[limit];
        weights = new double[limit];
      }
      return this;
    }
  }

  /** Returns the drawn token and writes its log-probability into {@code logProbOut[0]}. */
  static int draw(
      float[] logits,
      int offset,
      int vocab,
      SamplingParams params,
      SplittableRandom rng,
      float[] logProbOut) {
    int limit = params.vocabLimit() == 0 ? vocab : Math.min(vocab, params.vocabLimit());
    Scratch scratch = SCRATCH.get().sized(limit);
    boolean[] allowed = scratch.allowed;
    Arrays.fill(allowed, true);
    for (int b : params.blockedTokens()) {
      if (b < limit) {
        allowed[b] = false;
      }
    }
    double temperature = params.temperature();
    double scale = temperature == 0 ? 1.0 : 1.0 / temperature;
    double max = Double.NEGATIVE_INFINITY;
    int argmax = -1;
    for (int i = 0; i < limit; i++) {
      if (allowed[i] && logits[offset + i] > max) {
        max = logits[offset + i];
        argmax = i;
      }
    }
    double sum = 0;
    double[] weights = scratch.weights;
    for (int i = 0; i < limit; i++) {
      if (allowed[i]) {
        weights[i] = Math.exp((logits[offset + i] - max) * scale);
        sum += weights[i];
      } else {
        weights[i] = 0;
      }
    }
    double logZ = Math.log(sum);
    int token;
    if (temperature == 0) {
      token = argmax;
    } else {
      keepTopKTopP(weights, sum, params.topK(), params.topP());
      double kept = 0;
      for (double w : weights) {
        kept += w;
      }
      double u = rng.nextDouble() * kept;
      token = argmax;
      double cumulative = 0;
      for (int i = 0; i < limit; i++) {
        cumulative += weights[i];
        if (weights[i] > 0 && u < cumulative) {
          token = i;
          break;
        }
      }
    }
    logProbOut[0] = (float) ((logits[offset + token] - max) * scale - logZ);
    return token;
  }

  /** Zeroes weights outside the top-k and outside the smallest set with mass >= topP. */
  private static void keepTopKTopP(double[] weights, double sum, int topK, double topP) {
    boolean filterK = topK > 0 && topK < weights.length;
    boolean filterP = topP < 1.0;
    if (!filterK && !filterP) {
      return;
    }
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(weights[b], weights[a]));
    double cumulative = 0;
    for (int rank = 0; rank < order.length; rank++) {
      int i = order[rank];
      boolean drop = (filterK && rank >= topK) || (filterP && cumulative >= topP * sum);
      cumulative += weights[i];
      if (drop) {
        weights[i] = 0;
      }
    }
  }
}
