package io.tributary.reward.judge;

import io.tributary.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The judge's prompt with {@code {question}}, {@code {gold}} and {@code {completion}} filled in.
 * The template is split once into literal text and placeholders, and filling appends the values
 * without reading them again, so a completion that itself contains "{gold}" cannot pull the gold
 * answer into the prompt. Other braces (LaTeX, JSON examples) stay as written.
 */
public final class PromptTemplate {
  /** The values a template can name. */
  public enum Slot {
    QUESTION,
    GOLD,
    COMPLETION
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(question|gold|completion)}");

  private final String text;
  private final List<Object> parts = new ArrayList<>(); // String or Slot

  public PromptTemplate(String text) {
    this.text = text;
    Matcher m = PLACEHOLDER.matcher(text);
    int at = 0;
    while (m.find()) {
      parts.add(text.substring(at, m.start()));
      parts.add(Slot.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT)));
      at = m.end();
    }
    parts.add(text.substring(at));
    if (!uses(Slot.COMPLETION)) {
      throw ConfigException.badValue(
          "params.template", text, "a prompt that contains {completion}, the text to judge");
    }
  }

  /** A template asking whether the completion's answer matches the gold answer. */
  public static PromptTemplate defaultFor(VerdictFormat verdict) {
    return new PromptTemplate(
        """
        You are grading a response to a problem against the reference answer.

        Problem:
        {question}

        Reference answer:
        {gold}

        Response:
        {completion}

        Is the final answer of the response equivalent to the reference answer? \
        """
            + verdict.instruction());
  }

  public boolean uses(Slot slot) {
    return parts.contains(slot);
  }

  public String fill(String question, String gold, String completion) {
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof Slot slot) {
        out.append(
            switch (slot) {
              case QUESTION -> question;
              case GOLD -> gold;
              case COMPLETION -> completion;
            });
      } else {
        out.append((String) part);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
