package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * What the policy says at each position of a token sequence: the log-probability of the token that
 * follows, and the k most likely tokens with theirs. The way to compare Tributary with another
 * implementation of the same model, token by token.
 *
 * @param tokens the sequence
 * @param positions one per token; the last has no next token
 */
public record NextTokenLogprobs(int[] tokens, List<Position> positions) {

  /** One alternative: a token id and its log-probability. */
  public record Alternative(int id, double logprob) {}

  /**
   * @param position index in the sequence
   * @param nextToken the token at position + 1; absent at the last position
   * @param nextLogprob its log-probability; absent at the last position
   * @param top the k most likely next tokens, most likely first
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Position(
      int position, Integer nextToken, Double nextLogprob, List<Alternative> top) {}

  /** One full forward of {@code tokens} (from position 0) in float32 log-softmax. */
  public static NextTokenLogprobs of(PolicyModel model, int[] tokens, int k) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("tokens: empty; give at least one token id");
    }
    int vocab = model.config().vocabSize();
    for (int t : tokens) {
      if (t < 0 || t >= vocab) {
        throw new IllegalArgumentException(
            "tokens: id " + t + " is outside the model's vocabulary [0, " + vocab + ")");
      }
    }
    float[] logprobs;
    try (GradMode ignored = GradMode.disabled();
        NDManager step = model.manager().newSubManager()) {
      NDArray logits = model.logits(step, new int[][] {tokens}, RoutingContext.inference());
      logprobs =
          logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).logSoftmax(-1).toFloatArray();
    }
    List<Position> positions = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      int base = i * vocab;
      List<Alternative> top = top(logprobs, base, vocab, Math.min(k, vocab));
      boolean last = i == tokens.length - 1;
      positions.add(
          new Position(
              i,
              last ? null : tokens[i + 1],
              last ? null : (double) logprobs[base + tokens[i + 1]],
              top));
    }
    return new NextTokenLogprobs(tokens.clone(), positions);
  }

  /** The k largest of logprobs[base .. base+vocab), ties to the lower id. */
  private static List<Alternative> top(float[] logprobs, int base, int vocab, int k) {
    List<Alternative> out = new ArrayList<>(k);
    boolean[] taken = new boolean[vocab];
    for (int j = 0; j < k; j++) {
      int best = -1;
      for (int v = 0; v < vocab; v++) {
        if (!taken[v] && (best < 0 || logprobs[base + v] > logprobs[base + best])) {
          best = v;
        }
      }
      taken[best] = true;
      out.add(new Alternative(best, logprobs[base + best]));
    }
    return out;
  }
}
