package io.tributary.model;

/**
 * One sampled completion: its tokens (a final stop token included), the log-probability of each
 * under the sampling policy (log-softmax of logits / temperature, before top-k/top-p filtering, as
 * TRL and veRL record it for the learner's importance ratio), and why it ended.
 */
public record Completion(int[] tokens, float[] logProbs, FinishReason finishReason) {
  public int length() {
    return tokens.length;
  }
}
