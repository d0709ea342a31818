package io.tributary.reward.math;

/** The text is not an answer the math parser understands; the message says where and why. */
public final class MathParseException extends Exception {
  public MathParseException(String message) {
    super(message);
  }
}
