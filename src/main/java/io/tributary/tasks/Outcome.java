package io.tributary.tasks;

/** Why an answer is right or wrong; rewards and metrics can tell the failures apart. */
public enum Outcome {
  CORRECT,
  /** Well-formed and allowed, but not the gold value. */
  WRONG_VALUE,
  /** Countdown: a given number used more often than it was given. */
  NUMBER_REUSED,
  /** Countdown: a number that is not among the given ones. */
  NUMBER_NOT_GIVEN,
  /** Countdown: the expression divides by zero and has no value. */
  DIVISION_BY_ZERO,
  /** Not an expression (countdown) or not a number (arithmetic, GSM8K). */
  UNPARSABLE
}
