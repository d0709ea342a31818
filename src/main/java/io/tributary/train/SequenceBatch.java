package io.tributary.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Prompt + completion rows, right-padded, shifted for next-token prediction: inputs are tokens
 * 0..L−2, targets tokens 1..L−1, and the completion mask is 1 where the target is a completion
 * token. Prompt targets and padding carry no loss.
 */
public record SequenceBatch(
    int[][] inputs, int[][] targets, float[][] completionMask, boolean[] validInputs) {

  public static SequenceBatch of(List<int[]> prompts, List<int[]> completions, int pad) {
    int b = prompts.size();
    int longest = 0;
    for (int i = 0; i < b; i++) {
      longest = Math.max(longest, prompts.get(i).length + completions.get(i).length);
    }
    int t = longest - 1;
    int[][] inputs = new int[b][t];
    int[][] targets = new int[b][t];
    float[][] mask = new float[b][t];
    boolean[] valid = new boolean[b * t];
    for (int i = 0; i < b; i++) {
      int[] p = prompts.get(i);
      int[] c = completions.get(i);
      int length = p.length + c.length;
      for (int j = 0; j < t; j++) {
        inputs[i][j] = j < length ? token(p, c, j) : pad;
        targets[i][j] = j + 1 < length ? token(p, c, j + 1) : pad;
        mask[i][j] = (j + 1 >= p.length && j + 1 < length) ? 1f : 0f;
        valid[i * t + j] = j < length - 1;
      }
    }
    return new SequenceBatch(inputs, targets, mask, valid);
  }

  private static int token(int[] prompt, int[] completion, int at) {
    return at < prompt.length ? prompt[at] : completion[at - prompt.length];
  }

  public int rows() {
    return inputs.length;
  }

  public int width() {
    return inputs[0].length;
  }

  public NDArray mask(NDManager manager) {
    float[] flat = new float[rows() * width()];
    for (int i = 0; i < rows(); i++) {
      System.arraycopy(completionMask[i], 0, flat, i * width(), width());
    }
    return manager.create(flat, new Shape(rows(), width()));
  }

  public long completionTokens() {
    long n = 0;
    for (float[] row : completionMask) {
      for (float m : row) {
        n += (long) m;
      }
    }
    return n;
  }
}
