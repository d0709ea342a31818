package io.tributary.messages;

/**
 * Input that is not a valid message; the text names the message type, the field and what was
 * expected, e.g. {@code scored rollout: field 'sampleIndex': got "3", expected an integer}.
 */
public final class MessageFormatException extends IllegalArgumentException {
  public MessageFormatException(String message) {
    super(message);
  }

  public MessageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
