package io.tributary.tasks;

import java.util.Optional;

/**
 * The DeepSeek-R1 completion form {@code <think>reasoning</think><answer>answer</answer>}. The four
 * tags are single special tokens of the character tokenizer; in text they are written literally.
 */
public final class CompletionFormat {
  public static final String THINK_OPEN = "<think>";
  public static final String THINK_CLOSE = "</think>";
  public static final String ANSWER_OPEN = "<answer>";
  public static final String ANSWER_CLOSE = "</answer>";
  private static final String[] TAGS = {THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE};

  private CompletionFormat() {}

  public static String completion(String reasoning, String answer) {
    return THINK_OPEN + reasoning + THINK_CLOSE + ANSWER_OPEN + answer + ANSWER_CLOSE;
  }

  /**
   * The text between the first {@code <answer>} and the {@code </answer>} after it, trimmed; empty
   * when either tag is missing.
   */
  public static Optional<String> extractAnswer(String completion) {
    int open = completion.indexOf(ANSWER_OPEN);
    if (open < 0) {
      return Optional.empty();
    }
    int start = open + ANSWER_OPEN.length();
    int close = completion.indexOf(ANSWER_CLOSE, start);
    return close < 0 ? Optional.empty() : Optional.of(completion.substring(start, close).trim());
  }

  /** Exactly one think block followed by exactly one answer block and nothing else. */
  public static boolean isWellFormed(String completion) {
    for (String tag : TAGS) {
      if (completion.indexOf(tag) != completion.lastIndexOf(tag) || !completion.contains(tag)) {
        return false;
      }
    }
    return completion.startsWith(THINK_OPEN)
        && completion.indexOf(THINK_CLOSE) < completion.indexOf(ANSWER_OPEN)
        && completion.indexOf(THINK_CLOSE) + THINK_CLOSE.length() == completion.indexOf(ANSWER_OPEN)
        && completion.endsWith(ANSWER_CLOSE);
  }

  /** Length in tokens of the character tokenizer: each tag counts as one token. */
  public static int tokenLength(String text) {
    int length = text.length();
    for (String tag : TAGS) {
      for (int at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + tag.length())) {
        length -= tag.length() - 1;
      }
    }
    return length;
  }
}
