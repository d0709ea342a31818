package io.tributary.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Rows for one GRPO forward: prompts left-padded to a common width P so every completion starts at
 * column P, completions right-padded to Tc. The policy sees tokens [0, P + Tc − 1); logits at
 * columns P − 1 .. P + Tc − 2 predict the Tc completion tokens. Per-row arrays are (B, Tc).
 */
record TrainingRows(
    int[][] tokens,
    int[] padding,
    int promptWidth,
    int completionWidth,
    int[][] targets,
    float[] logpOld,
    float[] logpRef,
    float[] logpProximal,
    float[] advantages,
    float[] mask,
    boolean[] validInputs) {

  /** Rows {@code rows} of the flattened batch. */
  static TrainingRows of(List<Row> rows, int pad) {
    int b = rows.size();
    int promptWidth = 0;
    int completionWidth = 1;
    for (Row r : rows) {
      promptWidth = Math.max(promptWidth, r.prompt().length);
      completionWidth = Math.max(completionWidth, r.completion().length);
    }
    int width = promptWidth + completionWidth - 1;
    int[][] tokens = new int[b][width];
    int[] padding = new int[b];
    int[][] targets = new int[b][completionWidth];
    float[] old = new float[b * completionWidth];
    float[] ref = rows.get(0).logpRef() == null ? null : new float[b * completionWidth];
    float[] proximal = rows.get(0).logpProximal() == null ? null : new float[b * completionWidth];
    float[] advantages = new float[b];
    float[] mask = new float[b * completionWidth];
    boolean[] valid = new boolean[b * width];
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      padding[i] = promptWidth - r.prompt().length;
      java.util.Arrays.fill(tokens[i], pad);
      System.arraycopy(r.prompt(), 0, tokens[i], padding[i], r.prompt().length);
      int copied =
          Math.min(r.completion().length, completionWidth - 1); // the last token is never an input
      System.arraycopy(r.completion(), 0, tokens[i], promptWidth, copied);
      for (int j = 0; j < width; j++) {
        valid[i * width + j] = j >= padding[i] && j < promptWidth + r.completion().length - 1;
      }
      // padded targets must be tokens the sampler can draw: a blocked one has log-prob −1e9, and
      // exp(ref − logp) of two such values overflows, which a 0 mask cannot cancel (0 · ∞ = NaN)
      java.util.Arrays.fill(targets[i], r.completion()[0]);
      for (int j = 0; j < r.completion().length; j++) {
        targets[i][j] = r.completion()[j];
        old[i * completionWidth + j] = r.logpOld()[j];
        if (ref != null) {
          ref[i * completionWidth + j] = r.logpRef()[j];
        }
        if (proximal != null) {
          proximal[i * completionWidth + j] = r.logpProximal()[j];
        }
        mask[i * completionWidth + j] = r.trained() ? 1f : 0f;
      }
      advantages[i] = (float) r.advantage();
    }
    return new TrainingRows(
        tokens,
        padding,
        promptWidth,
        completionWidth,
        targets,
        old,
        ref,
        proximal,
        advantages,
        mask,
        valid);
  }

  /**
   * One completion to train on. {@code trained} false masks it (a truncated completion); {@code
   * logpRef} and {@code logpProximal} are null until computed; {@code staleness} is how many
   * versions behind the learner it was sampled, -1 when unknown; {@code promptRouting} and {@code
   * routing} are the sampler's routing traces of the prompt positions before the last and of the
   * completion tokens ({@link io.tributary.model.Completion}), or null when it recorded none.
   */
  record Row(
      int[] prompt,
      int[] completion,
      float[] logpOld,
      float[] logpRef,
      float[] logpProximal,
      double advantage,
      boolean trained,
      long staleness,
      io.tributary.model.RoutingTrace promptRouting,
      io.tributary.model.RoutingTrace routing) {

    Row withLogpRef(float[] values) {
      return new Row(
          prompt,
          completion,
          logpOld,
          values,
          logpProximal,
          advantage,
          trained,
          staleness,
          promptRouting,
          routing);
    }

    Row withLogpProximal(float[] values) {
      return new Row(
          prompt,
          completion,
          logpOld,
          logpRef,
          values,
          advantage,
          trained,
          staleness,
          promptRouting,
          routing);
    }
  }

  int rows() {
    return tokens.length;
  }

  NDArray perToken(NDManager manager, float[] values) {
    return manager.create(values, new Shape(rows(), completionWidth));
  }

  NDArray advantagesArray(NDManager manager) {
    return manager.create(advantages, new Shape(rows()));
  }

  long activeTokens() {
    long n = 0;
    for (float m : mask) {
      n += (long) m;
    }
    return n;
  }
}
