package io.tributary.serve;

import java.util.Arrays;

/**
 * The log-probability of a drawn token and of the most likely alternatives at that step, under the
 * model's own distribution (log-softmax of the logits at temperature 1 over the tokens the sampler
 * may draw), which is what OpenAI-compatible servers report whatever the sampling temperature.
 */
record TokenLogprobs(int token, float logprob, int[] topTokens, float[] topLogprobs) {

  /**
   * @param limit tokens at or above it are never drawn (the tokenizer's size)
   * @param blocked tokens never drawn (PAD, BOS)
   */
  static TokenLogprobs of(
      float[] logits, int offset, int vocab, int limit, int[] blocked, int token, int top) {
    int n = limit <= 0 ? vocab : Math.min(vocab, limit);
    boolean[] allowed = new boolean[n];
    Arrays.fill(allowed, true);
    for (int b : blocked) {
      if (b >= 0 && b < n) {
        allowed[b] = false;
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (allowed[i]) {
        max = Math.max(max, logits[offset + i]);
      }
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (allowed[i]) {
        sum += Math.exp(logits[offset + i] - max);
      }
    }
    double logZ = max + Math.log(sum);
    int k = Math.min(top, n);
    int[] topTokens = new int[k];
    float[] topLogprobs = new float[k];
    boolean[] taken = new boolean[n];
    for (int r = 0; r < k; r++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (allowed[i] && !taken[i] && (best < 0 || logits[offset + i] > logits[offset + best])) {
          best = i;
        }
      }
      if (best < 0) {
        return new TokenLogprobs(
            token,
            (float) (logits[offset + token] - logZ),
            Arrays.copyOf(topTokens, r),
            Arrays.copyOf(topLogprobs, r));
      }
      taken[best] = true;
      topTokens[r] = best;
      topLogprobs[r] = (float) (logits[offset + best] - logZ);
    }
    return new TokenLogprobs(
        token, (float) (logits[offset + token] - logZ), topTokens, topLogprobs);
  }
}
