package io.tributary.reward.math;

/** Where in a completion the answer is looked for; the accuracy reward tries them in order. */
public enum ExtractionMode {
  /** The content of the last {@code <answer>...</answer>} (DeepSeek-R1's template). */
  ANSWER_TAG,
  /** The argument of the last {@code \boxed{...}} (the MATH benchmark's convention). */
  BOXED,
  /** The last number in the text, with its sign, fraction, decimals or percent sign. */
  LAST_NUMBER
}
