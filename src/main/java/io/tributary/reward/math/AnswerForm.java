package io.tributary.reward.math;

/**
 * Which forms of an answer are paid when the gold answer is a number. Under {@link #VALUE} an
 * answer that still holds arithmetic a reader could finish ({@code 7+5+2-1} for 13, {@code 2^{10}}
 * for 1024) is refused, so a policy is not paid for restating the question; fractions, surds,
 * multiples of pi and scientific notation are values. {@link #EXPRESSION} accepts any equal
 * expression.
 */
public enum AnswerForm {
  VALUE,
  EXPRESSION
}
