package io.tributary.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Scored groups as fixed-width text rows, one per member, for terminals and logs. */
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

  /**
   * One row per member of {@code group}: {@code <groupId>/<sampleIndex>}, its prompt, version,
   * total reward, advantage (as the learner would compute it) and finish reason, and its
   * completion.
   *
   * @param advantages one per member, in sample order
   */
  public static List<String> rows(ScoredGroup group, double[] advantages) {
    List<String> rows = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      ScoredGroup.Member m = group.members().get(i);
      rows.add(
          String.format(
              Locale.ROOT,
              FORMAT,
              shorten(group.groupId() + "/" + i, 24),
              shorten(group.promptId(), 16),
              m.policyVersion(),
              number("%.3f", m.totalReward()),
              number("%+.3f", advantages[i]),
              m.finishReason().wireName(),
              shorten(oneLine(m.completion()), COMPLETION_WIDTH)));
    }
    return rows;
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
