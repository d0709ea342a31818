package com.example.rewards;

/** Words are runs of characters between whitespace. */
final class WordCount {
  private WordCount() {}

  static int of(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }
}
