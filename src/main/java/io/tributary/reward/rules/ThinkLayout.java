package io.tributary.reward.rules;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardParams;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags of a reasoning model's turn, a think block and optionally an answer block, and who opens
 * the think block. DeepSeek-R1's chat template (since its January 2025 update) and Qwen3's
 * thinking-only models end the generation prompt with {@code <think>\n}, so their completions start
 * inside the block and hold only its closing tag; the original R1 and Qwen3 templates leave the
 * opening tag to the model. A reward that looked at the completion alone would fail every
 * completion of the first kind, however well laid out.
 *
 * <p>{@link #assistantTurn} puts back what the prompt opened, so the layout rewards judge the turn
 * as the model wrote it: the text from the prompt's last opening tag to its end (the tag and the
 * whitespace the template wrote after it), then the completion.
 *
 * @param answerOpen null with {@code answerClose} when the answer is free text after the think
 *     block, as Qwen3 and DeepSeek-R1 write it ({@code </think>\n\nThe answer is 42.})
 */
public record ThinkLayout(
    String thinkOpen, String thinkClose, String answerOpen, String answerClose, Opening opening) {

  /** Who opens the think block. */
  public enum Opening {
    /** The prompt does when its text ends with the opening tag (trailing whitespace aside). */
    AUTO,
    /** The prompt always does: the chat template writes the opening tag. */
    PROMPT,
    /** The completion does: it is judged as it stands. */
    COMPLETION
  }

  /** The param keys that configure a layout, shared by every reward that takes one. */
  public static final List<String> PARAM_KEYS = List.of("thinkTags", "answerTags", "thinkOpenedBy");

  /** DeepSeek-R1's tags (open-r1's rewards), the think block opened wherever it is. */
  public static final ThinkLayout R1 =
      new ThinkLayout("<think>", "</think>", "<answer>", "</answer>", Opening.AUTO);

  public ThinkLayout {
    if (thinkOpen == null || thinkOpen.isEmpty() || thinkClose == null || thinkClose.isEmpty()) {
      throw new IllegalArgumentException("thinkTags: both tags must be non-empty strings");
    }
    if ((answerOpen == null) != (answerClose == null)) {
      throw new IllegalArgumentException("answerTags: give both tags or none");
    }
    if (opening == null) {
      throw new IllegalArgumentException("thinkOpenedBy: required");
    }
  }

  /**
   * {@code thinkTags: [OPEN, CLOSE]} (default {@code [<think>, </think>]}), {@code answerTags:
   * [OPEN, CLOSE]} or {@code []} for a free-text answer (default {@code [<answer>, </answer>]}),
   * {@code thinkOpenedBy: auto | prompt | completion} (default {@code auto}).
   */
  public static ThinkLayout fromParams(RewardParams params) {
    List<String> think =
        params.stringList("thinkTags", List.of(R1.thinkOpen(), R1.thinkClose()), false);
    List<String> answer =
        params.stringList("answerTags", List.of(R1.answerOpen(), R1.answerClose()), true);
    if (think.size() != 2) {
      throw ConfigException.badValue("params.thinkTags", think, "two tags, [open, close]");
    }
    if (answer.size() != 2 && !answer.isEmpty()) {
      throw ConfigException.badValue(
          "params.answerTags", answer, "two tags, [open, close], or [] for a free-text answer");
    }
    return new ThinkLayout(
        think.get(0),
        think.get(1),
        answer.isEmpty() ? null : answer.get(0),
        answer.isEmpty() ? null : answer.get(1),
        params.enumValue("thinkOpenedBy", Opening.class, Opening.AUTO));
  }

  public boolean hasAnswerTags() {
    return answerOpen != null;
  }

  /** The tags in the order they are written. */
  public List<String> tags() {
    List<String> tags = new ArrayList<>(List.of(thinkOpen, thinkClose));
    if (hasAnswerTags()) {
      tags.add(answerOpen);
      tags.add(answerClose);
    }
    return tags;
  }

  /** Whether the think block was open before the completion's first token. */
  public boolean promptOpensThink(String prompt) {
    return switch (opening) {
      case PROMPT -> true;
      case COMPLETION -> false;
      case AUTO -> prompt.stripTrailing().endsWith(thinkOpen);
    };
  }

  /**
   * The assistant's turn: the completion, after what the prompt opened of it. When the prompt does
   * not hold the opening tag although {@link Opening#PROMPT} says it opened the block (a rollout
   * recorded with the raw question), the tag is taken as written on its own line, the templates'
   * way, or directly before the completion when {@code newlines} is false.
   */
  public String assistantTurn(Rollout rollout, boolean newlines) {
    String prompt = rollout.prompt();
    if (!promptOpensThink(prompt)) {
      return rollout.completion();
    }
    boolean opened = prompt.stripTrailing().endsWith(thinkOpen);
    String written =
        opened
            ? prompt.substring(prompt.lastIndexOf(thinkOpen))
            : thinkOpen + (newlines ? "\n" : "");
    return written + rollout.completion();
  }
}
