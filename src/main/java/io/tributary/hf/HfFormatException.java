package io.tributary.hf;

/** A Hugging Face model directory that cannot be used; the message names the file and the key. */
public final class HfFormatException extends RuntimeException {
  public HfFormatException(String message) {
    super(message);
  }

  public HfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
