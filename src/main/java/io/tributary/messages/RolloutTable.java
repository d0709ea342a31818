package io.tributary.messages;

import java.util.Locale;

/** Scored rollouts as fixed-width text rows, one per rollout, for terminals and logs. */
public final class RolloutTable {
  private static final String FORMAT = "%-24s %-16s %7s %8s %9s %-6s %s";
  private static final int COMPLETION_WIDTH = 48;

  private RolloutTable() {}

  public static String header() {
    return String.format(
        Locale.ROOT,
        FORMAT,
        "ROLLOUT",
        "PROMPT",
        "VERSION",
        "REWARD",
        "ADVANTAGE",
        "FINISH",
        "COMPLETION");
  }

  public static String row(ScoredRollout r) {
    return String.format(
        Locale.ROOT,
        FORMAT,
        shorten(r.rolloutId(), 24),
        shorten(r.promptId(), 16),
        r.policyVersion(),
        number("%.3f", r.totalReward()),
        number("%+.3f", r.advantage()),
        r.finishReason().wireName(),
        shorten(oneLine(r.completion()), COMPLETION_WIDTH));
  }

  /** Cuts {@code text} to {@code width} characters, marking the cut with an ellipsis. */
  static String shorten(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "…";
  }

  private static String oneLine(String text) {
    return text.replace("\r", "").replace('\n', '⏎').replace('\t', ' ');
  }

  private static String number(String format, double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
  }
}
