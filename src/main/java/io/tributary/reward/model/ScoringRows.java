package io.tributary.reward.model;

import io.tributary.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * (prompt, completion) pairs as right-padded token rows for a reward model: {@code BOS prompt
 * completion EOS}, the score read at the last real token (EOS), as an outcome reward model reads
 * the end of the sequence (Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems",
 * §3). A row longer than {@code maxLength} keeps its last {@code maxLength} tokens, since the
 * answer is at the end.
 *
 * @param tokens (B, T) right-padded with PAD
 * @param lengths real tokens of each row; the score is read at {@code lengths[i] - 1}
 */
public record ScoringRows(int[][] tokens, int[] lengths) {

  public static ScoringRows of(
      Tokenizer tokenizer, List<String> prompts, List<String> completions, int maxLength) {
    if (prompts.size() != completions.size()) {
      throw new IllegalArgumentException(
          "prompts and completions: got " + prompts.size() + " and " + completions.size());
    }
    int b = prompts.size();
    int[][] rows = new int[b][];
    int longest = 1;
    for (int i = 0; i < b; i++) {
      rows[i] = encode(tokenizer, prompts.get(i), completions.get(i), maxLength);
      longest = Math.max(longest, rows[i].length);
    }
    int[][] tokens = new int[b][longest];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      Arrays.fill(tokens[i], tokenizer.pad());
      System.arraycopy(rows[i], 0, tokens[i], 0, rows[i].length);
      lengths[i] = rows[i].length;
    }
    return new ScoringRows(tokens, lengths);
  }

  /** {@code BOS prompt completion EOS}, keeping the last {@code maxLength} tokens. */
  static int[] encode(Tokenizer tokenizer, String prompt, String completion, int maxLength) {
    int[] p = tokenizer.encode(prompt);
    int[] c = tokenizer.encode(completion);
    int[] row = new int[p.length + c.length + 2];
    row[0] = tokenizer.bos();
    System.arraycopy(p, 0, row, 1, p.length);
    System.arraycopy(c, 0, row, 1 + p.length, c.length);
    row[row.length - 1] = tokenizer.eos();
    return row.length <= maxLength
        ? row
        : Arrays.copyOfRange(row, row.length - maxLength, row.length);
  }

  public int rows() {
    return tokens.length;
  }

  public int width() {
    return tokens[0].length;
  }

  /** (B·T) flags of real tokens, for the MoE router's load counts. */
  public boolean[] validTokens() {
    boolean[] valid = new boolean[rows() * width()];
    for (int i = 0; i < rows(); i++) {
      for (int j = 0; j < lengths[i]; j++) {
        valid[i * width() + j] = true;
      }
    }
    return valid;
  }

  /** (B·T) one-hot of each row's last real token, flattened row by row. */
  public float[] lastTokenOneHot() {
    float[] flat = new float[rows() * width()];
    for (int i = 0; i < rows(); i++) {
      flat[i * width() + lengths[i] - 1] = 1f;
    }
    return flat;
  }
}
