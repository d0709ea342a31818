package io.tributary.reward.math;

/**
 * Where in a completion the answer is looked for; the accuracy reward tries them in the configured
 * order and the first that yields a readable answer wins (Math-Verify's extraction priorities).
 */
public enum ExtractionMode {
  /**
   * The content of the last {@code <answer>...</answer>} (DeepSeek-R1's template), read with the
   * other modes inside it. A tag that holds no readable answer ends the search: the completion
   * scores 0 rather than being paid for a number elsewhere.
   */
  ANSWER_TAG,
  /**
   * The last {@code \boxed{...}}; boxes in a row at the end ("\boxed{1} and \boxed{-2}") are a set.
   */
  BOXED,
  /**
   * What follows the last "the final answer is" / "the answer is", up to the end of the sentence.
   */
  FINAL_ANSWER,
  /** The last math span ({@code $...$}, {@code $$...$$}, {@code \(...\)}, {@code \[...\]}). */
  LAST_MATH,
  /** The whole completion, when it is nothing but an answer ({@code 42}, {@code x = 3}). */
  BARE,
  /** The last number in the text, with its sign, fraction, decimals or percent sign. */
  LAST_NUMBER
}
