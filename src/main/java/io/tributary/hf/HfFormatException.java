package io.tributary.hf;

/**
 * A model directory, safetensors file or config.json that cannot be used as it is. The message
 * always names the file and, where there is one, the tensor or key at fault. An
 * IllegalArgumentException, so that the CLI reports it as bad input (exit code 3) with its message.
 */
public final class HfFormatException extends IllegalArgumentException {
  public HfFormatException(String message) {
    super(message);
  }

  public HfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
