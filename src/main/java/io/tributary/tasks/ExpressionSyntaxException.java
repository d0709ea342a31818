package io.tributary.tasks;

/**
 * Text that is not an expression; the message names the character position and what was expected.
 */
public final class ExpressionSyntaxException extends IllegalArgumentException {
  private final int position;

  public ExpressionSyntaxException(int position, String message) {
    super("at character " + position + ": " + message);
    this.position = position;
  }

  public int position() {
    return position;
  }
}
