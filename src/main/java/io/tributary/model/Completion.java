package io.tributary.model;

/**
 * One sampled completion: its tokens (a final stop token included), the log-probability of each
 * under the sampling policy (log-softmax of logits / temperature, before top-k/top-p filtering, as
 * TRL and veRL record it for the learner's importance ratio), why it ended, and, when the sampler
 * recorded routing (both null otherwise): the experts each token was drawn through ({@code
 * routing}, one entry per token), and the experts of the prompt's positions before its last ({@code
 * promptRouting}, P − 1 entries), which the completion's log-probs depend on as well.
 */
public record Completion(
    int[] tokens,
    float[] logProbs,
    FinishReason finishReason,
    RoutingTrace promptRouting,
    RoutingTrace routing) {

  public Completion {
    if (routing != null && routing.tokens() != tokens.length) {
      throw new IllegalArgumentException(
          "completion of "
              + tokens.length
              + " tokens carries a routing trace of "
              + routing.tokens()
              + " tokens");
    }
  }

  /** A completion without a routing trace. */
  public Completion(int[] tokens, float[] logProbs, FinishReason finishReason) {
    this(tokens, logProbs, finishReason, null, null);
  }

  public int length() {
    return tokens.length;
  }
}
