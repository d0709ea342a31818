package io.tributary.reward.judge;

/**
 * A judge call that produced no verdict: the endpoint could not be reached, kept failing, took too
 * long, or answered something the verdict format cannot read. The scorer records the message as
 * this rollout's error for the judge, so it says what happened and never holds the API key.
 */
public final class JudgeException extends RuntimeException {
  public JudgeException(String message) {
    super(message);
  }
}
