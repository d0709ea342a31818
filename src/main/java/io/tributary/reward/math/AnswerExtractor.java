package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and parses the answer in a completion. Modes are tried in order and the first one that
 * yields a parseable answer wins, as Math-Verify's {@code parse} tries its extraction configs by
 * priority; an answer tag, once present, is the only place looked at (see {@link
 * ExtractionMode#ANSWER_TAG}).
 */
public final class AnswerExtractor {
  private static final Pattern ANSWER_OPEN = Pattern.compile("<answer>");
  private static final String ANSWER_CLOSE = "</answer>";

  private static final Pattern FINAL_ANSWER =
      Pattern.compile(
          "(?i)(?:final answer|the answer|answer|correct (?:option|choice))[*_\\s]*(?:is|:|=)[*_\\s]*:?[*_\\s]*(.+?)[*_\\s]*(?=\\.\\s|\\.?$|\\n)",
          Pattern.DOTALL);

  private static final Pattern MATH_SPAN =
      Pattern.compile(
          "\\$\\$(.+?)\\$\\$|(?<!\\\\)\\$(.+?)(?<!\\\\)\\$|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]",
          Pattern.DOTALL);

  /** Between two boxes that together are one answer: only commas, "and", "or", dollars, "x =". */
  private static final Pattern BOX_JOINER =
      Pattern.compile("[\\s,;$.]*(?:and|or|,)?[\\s,;$]*(?:[a-z]\\s*=\\s*)?");

  /**
   * 1,234.5 / -3 (a sign only where it cannot be a minus: "5-3" ends on 3) / 2/3 / 1.5e-3 / .5 /
   * 50% — the number forms a completion ends on.
   */
  private static final Pattern NUMBER =
      Pattern.compile(
          "(?:(?<![\\w)}])[-+])?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?(?:/\\d+)?|\\.\\d+)%?");

  /**
   * A LaTeX value written in prose without delimiters: "we obtain -\\frac{1}{2}", "3\\sqrt{2}",
   * "2\\pi", with braces nested two deep.
   */
  private static final String BRACED = "\\{(?:[^{}]|\\{[^{}]*\\})*\\}";

  private static final String LATEX_VALUE =
      "-?(?:\\d+(?:\\.\\d+)?\\s*)?(?:\\\\[dt]?frac"
          + BRACED
          + BRACED
          + "|\\\\sqrt(?:\\[\\d+\\])?"
          + BRACED
          + "|\\\\pi)(?:\\s*\\\\(?:sqrt"
          + BRACED
          + "|pi))?";

  /**
   * A point written in prose, "(2, 3)", a number in a base, "204_5", a LaTeX value, or a number.
   */
  private static final Pattern NUMBER_OR_POINT =
      Pattern.compile(
          "[(\\[]\\s*-?\\d+(?:\\.\\d+)?(?:\\s*,\\s*-?\\d+(?:\\.\\d+)?)+\\s*[)\\]]|\\d+_\\{?\\d+\\}?|"
              + LATEX_VALUE
              + "|"
              + NUMBER.pattern());

  /** A completion longer than this is a solution, not a bare answer; parsing it would be waste. */
  private static final int MAX_BARE_LENGTH = 300;

  /** A bare completion with more words than this is prose, not a word answer. */
  private static final int MAX_BARE_WORDS = 4;

  private final List<ExtractionMode> modes;

  public AnswerExtractor(List<ExtractionMode> modes) {
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("at least one extraction mode is needed");
    }
    this.modes = List.copyOf(modes);
  }

  public List<ExtractionMode> modes() {
    return modes;
  }

  /** The parsed answer of a completion, or empty when no mode finds one that parses. */
  public Optional<MathExpr> extract(String completion) {
    return read(completion).map(Extraction::answer);
  }

  /** The answer with how it was found, or empty. */
  public Optional<Extraction> read(String completion) {
    for (ExtractionMode mode : modes) {
      if (mode == ExtractionMode.ANSWER_TAG) {
        String tag = lastAnswerTag(completion);
        if (tag != null) {
          // inside the tag every other mode may read; outside it nothing may
          Optional<Extraction> inside = readInside(tag);
          return inside.map(e -> new Extraction(ExtractionMode.ANSWER_TAG, e.span(), e.answer()));
        }
        continue;
      }
      Optional<Extraction> found = readWith(mode, completion);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private Optional<Extraction> readInside(String tag) {
    for (ExtractionMode mode : ExtractionMode.values()) {
      if (mode != ExtractionMode.ANSWER_TAG) {
        Optional<Extraction> found = readWith(mode, tag);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Extraction> readWith(ExtractionMode mode, String text) {
    return switch (mode) {
      case ANSWER_TAG -> Optional.empty();
      case BOXED -> boxed(text);
      case FINAL_ANSWER -> lastParsing(mode, FINAL_ANSWER, text);
      case LAST_MATH -> lastParsing(mode, MATH_SPAN, text);
      case BARE -> bare(text);
      case LAST_NUMBER -> lastNumber(text);
    };
  }

  /** Parses a gold answer (or any whole answer string); empty when it is not math we read. */
  public static Optional<MathExpr> parseWhole(String text) {
    String normalised;
    try {
      normalised = AnswerNormalizer.normalize(text);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    Text word = TextAnswers.wordAnswer(text, normalised);
    if (word != null) {
      return Optional.of(word);
    }
    List<String> variants = PlusMinus.expand(normalised);
    if (variants.size() > 1) {
      return bothSigns(variants);
    }
    try {
      return Optional.of(MathParser.parse(normalised));
    } catch (MathParseException | RuntimeException e) {
      return Optional.ofNullable(TextAnswers.parse(normalised));
    }
  }

  /** The answers of every choice of sign, as one set: {@code \frac{-1 \pm \sqrt5}{2}}. */
  private static Optional<MathExpr> bothSigns(List<String> variants) {
    List<MathExpr> items = new ArrayList<>();
    for (String variant : variants) {
      MathExpr parsed;
      try {
        parsed = MathParser.parse(variant);
      } catch (MathParseException | RuntimeException e) {
        return Optional.empty();
      }
      List<MathExpr> parts = parsed instanceof SetOf set ? set.items() : List.of(parsed);
      for (MathExpr part : parts) {
        if (!items.contains(part)) {
          items.add(part);
        }
      }
    }
    return Optional.of(items.size() == 1 ? items.get(0) : SetOf.bare(List.copyOf(items)));
  }

  /** The content of the last answer tag; an unclosed last tag runs to the end. Null if none. */
  private static String lastAnswerTag(String completion) {
    Matcher m = ANSWER_OPEN.matcher(completion);
    int start = -1;
    while (m.find()) {
      start = m.end();
    }
    if (start < 0) {
      return null;
    }
    int end = completion.indexOf(ANSWER_CLOSE, start);
    return completion.substring(start, end < 0 ? completion.length() : end);
  }

  private static Optional<Extraction> boxed(String text) {
    List<String> contents = new ArrayList<>();
    int end = text.length();
    int[] span = null;
    int previousStart = -1;
    while (true) {
      int[] box = boxBefore(text, end);
      if (box == null) {
        break;
      }
      if (span != null) {
        String between = text.substring(box[2] + 1, previousStart);
        if (!BOX_JOINER.matcher(between).matches()) {
          break;
        }
      }
      span = box;
      contents.add(0, text.substring(box[1] + 1, box[2]));
      previousStart = box[0];
      end = box[0];
    }
    if (contents.isEmpty()) {
      return Optional.empty();
    }
    String last = contents.get(contents.size() - 1);
    if (contents.size() > 1) {
      List<MathExpr> items = new ArrayList<>();
      for (String content : contents) {
        Optional<MathExpr> item = parseWhole(content);
        if (item.isEmpty()) {
          items = null;
          break;
        }
        items.add(item.get());
      }
      if (items != null) {
        return Optional.of(
            new Extraction(ExtractionMode.BOXED, String.join(" ; ", contents), SetOf.bare(items)));
      }
    }
    return parseWhole(last).map(answer -> new Extraction(ExtractionMode.BOXED, last, answer));
  }

  private static int[] boxBefore(String text, int end) {
    int[] boxed = AnswerNormalizer.commandSpanBefore(text, "boxed", end);
    int[] fbox = AnswerNormalizer.commandSpanBefore(text, "fbox", end);
    if (boxed == null) {
      return fbox;
    }
    return fbox == null || boxed[0] > fbox[0] ? boxed : fbox;
  }

  /** The last match of the pattern whose text parses. */
  private static Optional<Extraction> lastParsing(
      ExtractionMode mode, Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    List<String> spans = new ArrayList<>();
    while (m.find()) {
      for (int g = 1; g <= m.groupCount(); g++) {
        if (m.group(g) != null) {
          spans.add(m.group(g));
          break;
        }
      }
    }
    for (int i = spans.size() - 1; i >= 0; i--) {
      String span = spans.get(i);
      Optional<MathExpr> answer = parseWhole(span);
      if (answer.isPresent() && !(answer.get() instanceof Text t && isProse(t))) {
        return Optional.of(new Extraction(mode, span, answer.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Extraction> bare(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty() || trimmed.length() > MAX_BARE_LENGTH) {
      return Optional.empty();
    }
    Optional<MathExpr> answer = parseWhole(trimmed);
    if (answer.isEmpty() || answer.get() instanceof Text t && isProse(t)) {
      return Optional.empty();
    }
    return Optional.of(new Extraction(ExtractionMode.BARE, trimmed, answer.get()));
  }

  /** Words with digits among them, or many words: a sentence, not a word answer. */
  private static boolean isProse(Text t) {
    return t.words().matches(".*\\d.*") || t.words().split(" ").length > MAX_BARE_WORDS;
  }

  private static Optional<Extraction> lastNumber(String text) {
    Matcher m = NUMBER_OR_POINT.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    if (last == null) {
      return Optional.empty();
    }
    String span = last;
    return parseWhole(span).map(answer -> new Extraction(ExtractionMode.LAST_NUMBER, span, answer));
  }
}
