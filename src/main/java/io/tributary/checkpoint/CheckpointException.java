package io.tributary.checkpoint;

/** A checkpoint that cannot be used: missing, truncated, corrupt, or not fitting the model. */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
