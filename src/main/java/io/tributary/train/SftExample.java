package io.tributary.train;

/** One supervised example: prompt tokens (BOS first) and the completion to learn (EOS last). */
public record SftExample(int[] prompt, int[] completion) {
  public SftExample {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("prompt: empty; expected at least BOS");
    }
    if (completion.length == 0) {
      throw new IllegalArgumentException("completion: empty; expected at least one token");
    }
  }

  public int length() {
    return prompt.length + completion.length;
  }
}
