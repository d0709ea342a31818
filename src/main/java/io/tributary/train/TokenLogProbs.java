package io.tributary.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

/**
 * Per-token log-probabilities of given next tokens: log softmax(logits / τ) gathered at the
 * targets.
 */
public final class TokenLogProbs {
  /**
   * Logits computed at once by {@link #fromHidden}: 2^24 floats (64 MiB), 110 positions of a
   * 151,936-token vocabulary.
   */
  static final long CHUNK_ELEMENTS = 1L << 24;

  private TokenLogProbs() {}

  /** Log-probs (B, T) of the targets, and the mean entropy over the mask when one was given. */
  public record WithEntropy(NDArray logProbs, OptionalDouble meanEntropy) {}

  /**
   * logits (B, T, V) at positions that predict {@code targets} (B, T) -> (B, T). Targets of padding
   * positions may be any valid id; the caller masks them.
   */
  public static NDArray of(NDArray logits, int[][] targets, double temperature) {
    NDManager manager = logits.getManager();
    NDArray scaled = temperature == 1.0 ? logits : Scalars.div(logits, (float) temperature);
    NDArray logProbs = scaled.logSoftmax(-1); // (B, T, V)
    NDArray index = manager.create(flatten(targets), new Shape(targets.length, width(targets), 1));
    return logProbs.gather(index, -1).squeeze(-1); // (B, T)
  }

  /**
   * The same log-probs from the final hidden states (B, T, C), through {@code head} ((B, t, C) ->
   * (B, t, V)) a chunk of positions at a time, with {@code logitBias} (V) (or null) added to the
   * logits before the temperature; with {@code entropyMask} (B, T) also the mean entropy of
   * softmax((logits + bias) / τ) over it, without gradient.
   *
   * <p>The log-softmax of the full (B, T, V) logits is the learner's largest activation at long
   * lengths, and computed in one piece its inputs (the logits, the biased and the scaled logits)
   * and the entropy's (the probabilities, their product with the log-probs) would each stay as
   * large until the step ends. Here only each chunk's log-softmax stays, because its backward and
   * the gather's read it; every other (B, t, V) array is closed as soon as it is used. Liger
   * Kernel's fused linear cross-entropy goes further and keeps none, recomputing each chunk's
   * logits in the backward; DJL gives no hook for a custom backward.
   */
  public static WithEntropy fromHidden(
      NDArray hidden,
      UnaryOperator<NDArray> head,
      int vocab,
      int[][] targets,
      NDArray logitBias,
      double temperature,
      NDArray entropyMask) {
    int positions = (int) Math.max(1, CHUNK_ELEMENTS / ((long) targets.length * vocab));
    return fromHidden(
        hidden, head, targets, logitBias, temperature, entropyMask, Math.min(positions, 1 << 20));
  }

  /** {@link #fromHidden} with {@code chunk} positions per chunk. */
  static WithEntropy fromHidden(
      NDArray hidden,
      UnaryOperator<NDArray> head,
      int[][] targets,
      NDArray logitBias,
      double temperature,
      NDArray entropyMask,
      int chunk) {
    NDManager manager = hidden.getManager();
    int b = targets.length;
    int t = width(targets);
    NDArray index = manager.create(flatten(targets), new Shape(b, t, 1));
    List<NDArray> parts = new ArrayList<>();
    double entropySum = 0;
    for (int from = 0; from < t; from += chunk) {
      int to = Math.min(t, from + chunk);
      NDArray states = hidden.get(new NDIndex(":, {}:{}, :", from, to)); // (B, t, C)
      NDArray logits = head.apply(states); // (B, t, V)
      NDArray biased = logitBias == null ? logits : closing(logits, logits.add(logitBias));
      NDArray scaled =
          temperature == 1.0 ? biased : closing(biased, Scalars.div(biased, (float) temperature));
      NDArray logProbs = closing(scaled, scaled.logSoftmax(-1)); // (B, t, V)
      NDArray targetsHere = index.get(new NDIndex(":, {}:{}, :", from, to)); // (B, t, 1)
      parts.add(logProbs.gather(targetsHere, -1).squeeze(-1)); // (B, t)
      if (entropyMask != null) {
        entropySum +=
            maskedEntropySum(logProbs, entropyMask.get(new NDIndex(":, {}:{}", from, to)));
      }
      logProbs.close(); // autograd keeps its own reference for the backward
    }
    NDArray logProbs = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 1);
    OptionalDouble entropy = OptionalDouble.empty();
    if (entropyMask != null) {
      float total = entropyMask.sum().getFloat();
      entropy = OptionalDouble.of(total == 0 ? 0 : entropySum / total);
    }
    return new WithEntropy(logProbs, entropy);
  }

  /** Σ over masked positions of −Σ_v p log p, from log-probs (B, t, V), without gradient. */
  private static double maskedEntropySum(NDArray logProbs, NDArray mask) {
    NDArray detached = logProbs.stopGradient();
    NDArray probabilities = detached.exp();
    NDArray terms = closing(probabilities, probabilities.mul(detached)); // (B, t, V)
    detached.close();
    NDArray entropy = closing(terms, terms.sum(new int[] {-1}).neg()); // (B, t)
    return entropy.mul(mask).sum().getFloat();
  }

  /** Closes {@code used} (a step-sized array no backward reads) and returns {@code next}. */
  private static NDArray closing(NDArray used, NDArray next) {
    used.close();
    return next;
  }

  /** Mean entropy of softmax(logits / τ) over masked positions, without gradient. */
  public static double meanEntropy(NDArray logits, NDArray mask, double temperature) {
    NDArray detached = logits.stopGradient();
    NDArray scaled = temperature == 1.0 ? detached : Scalars.div(detached, (float) temperature);
    NDArray logP = scaled.logSoftmax(-1);
    NDArray entropy = logP.exp().mul(logP).sum(new int[] {-1}).neg(); // (B, T)
    float total = mask.sum().getFloat();
    return total == 0 ? 0 : entropy.mul(mask).sum().getFloat() / total;
  }

  private static int width(int[][] targets) {
    return targets[0].length;
  }

  private static long[] flatten(int[][] targets) {
    int b = targets.length;
    int t = width(targets);
    long[] flat = new long[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        flat[i * t + j] = targets[i][j];
      }
    }
    return flat;
  }
}
