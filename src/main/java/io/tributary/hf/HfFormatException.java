package io.tributary.hf;

/**
 * A model directory, safetensors file or config.json that cannot be used as it is. The message
 * always names the file and, where there is one, the tensor or key at fault.
 */
public final class HfFormatException extends RuntimeException {
  public HfFormatException(String message) {
    super(message);
  }

  public HfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
