package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.reward.math.ExtractionMode;
import io.tributary.reward.math.MathEquivalence.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AccuracyRewardTest {
  /** One row: the gold answer, the model's boxed answer, whether they match, and why. */
  record Case(String gold, String predicted, boolean equal, String why) {
    @Override
    public String toString() {
      return why
          + ": gold '"
          + gold
          + "' vs '"
          + predicted
          + "' -> "
          + (equal ? "equal" : "not equal");
    }
  }

  static Case eq(String gold, String predicted, String why) {
    return new Case(gold, predicted, true, why);
  }

  static Case ne(String gold, String predicted, String why) {
    return new Case(gold, predicted, false, why);
  }

  static Stream<Case> equivalenceTable() {
    return Stream.of(
        // integers and signs
        eq("42", "42", "the same integer"),
        ne("42", "43", "a different integer"),
        eq("-7", "-7", "a negative integer"),
        ne("-7", "7", "the sign matters"),
        eq("7", "+7", "an explicit plus sign"),
        eq("0", "-0", "minus zero is zero"),
        ne("1000000", "1000001", "large integers are compared exactly"),
        eq("007", "7", "leading zeros"),
        // decimals
        eq("0.5", "0.50", "trailing zeros"),
        eq("0.5", ".5", "no leading zero"),
        eq("3", "3.0", "an integer written as a decimal"),
        ne("3.14", "3.15", "decimals that differ in the second place"),
        eq("2.5", "2.5.", "a sentence-ending period"),
        // fractions
        eq("1/2", "0.5", "a/b against its decimal"),
        eq("0.5", "\\frac{1}{2}", "\\frac against a decimal"),
        eq("\\frac{1}{2}", "\\dfrac{1}{2}", "\\dfrac is \\frac"),
        eq("\\frac{1}{2}", "\\tfrac{1}{2}", "\\tfrac is \\frac"),
        eq("\\frac{1}{2}", "\\frac12", "\\frac with single-digit arguments and no braces"),
        eq("\\frac{2}{4}", "\\frac{1}{2}", "an unreduced fraction"),
        ne("\\frac{1}{2}", "\\frac{1}{3}", "different fractions"),
        ne("\\frac{1}{2}", "\\frac{2}{1}", "numerator and denominator swapped"),
        eq("-\\frac{3}{4}", "\\frac{-3}{4}", "the sign inside or outside"),
        eq("1/3", "0.333333", "a repeating decimal rounded to six places"),
        ne("1/3", "0.33", "a repeating decimal rounded too early"),
        eq("\\frac{\\frac{1}{2}}{2}", "1/4", "a nested fraction"),
        eq("2\\frac{1}{2}", "2.5", "a mixed number"),
        eq("\\frac{5}{2}", "2\\frac12", "a mixed number with a short fraction"),
        eq("2\\frac{x}{2}", "x", "a number times a fraction with a variable"),
        // roots and pi
        eq("\\sqrt{2}", "1.41421356", "a root against its decimal"),
        eq("2\\sqrt{2}", "\\sqrt{8}", "a simplified root"),
        eq("\\sqrt2", "\\sqrt{2}", "\\sqrt without braces"),
        ne("\\sqrt{2}", "\\sqrt{3}", "different roots"),
        eq("\\sqrt[3]{8}", "2", "a cube root"),
        eq("\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}", "a root over two written two ways"),
        eq("\\pi", "3.14159265", "pi against its decimal"),
        eq("2\\pi", "2 \\cdot \\pi", "implicit and explicit products with pi"),
        ne("2\\pi", "\\pi", "a missing factor of pi"),
        eq("\\frac{\\pi}{4}", "\\pi/4", "pi over four written two ways"),
        eq("\\pi", "π", "the unicode pi"),
        // percentages
        eq("50", "50\\%", "a percentage against its number"),
        eq("0.5", "50\\%", "a percentage against its fraction"),
        eq("50\\%", "50%", "escaped and plain percent signs"),
        eq("25%", "25 percent", "the word percent"),
        ne("50", "40\\%", "a different percentage"),
        // thousands separators
        eq("1000", "1,000", "a comma separator"),
        eq("1000", "1{,}000", "a LaTeX comma separator"),
        eq("1000", "1\\,000", "a thin-space separator"),
        eq("1000", "1 000", "a space separator"),
        eq("1234567", "1,234,567", "several comma groups"),
        eq("1234567.5", "1,234,567.5", "separators with decimals"),
        ne("1000", "1,001", "a separated number that differs"),
        // units and currency
        eq("5", "5 \\text{ cm}", "a unit in \\text"),
        eq("5", "5 cm", "a plain unit"),
        eq("5", "5cm", "a unit without space"),
        eq("12", "12 apples", "an object word"),
        eq("18", "\\$18", "an escaped dollar sign"),
        eq("18", "18 dollars", "a currency word"),
        eq("18.5", "\\$18.50", "dollars and cents"),
        eq("30", "30^\\circ", "degrees with ^\\circ"),
        eq("30", "30^{\\circ}", "degrees with ^{\\circ}"),
        eq("30", "30°", "the degree sign"),
        eq("60", "60 km/h", "a compound unit"),
        eq("25", "25 \\mathrm{m}^2", "a unit in \\mathrm with a power"),
        ne("5", "6 cm", "a wrong value with a unit"),
        eq("1500", "\\$1,500", "currency with a separator"),
        // text and math delimiters
        eq("7", "\\text{7}", "a number in \\text"),
        eq("7", "$7$", "inline math delimiters"),
        eq("7", "\\(7\\)", "parenthesis math delimiters"),
        eq("\\frac{1}{2}", "$\\frac{1}{2}$", "a fraction in dollars"),
        eq("10", "\\textbf{10}", "bold text"),
        eq("4", "\\left(4\\right)", "\\left and \\right"),
        // scientific notation
        eq("1500", "1.5e3", "e notation"),
        eq("0.0015", "1.5E-3", "E notation with a negative exponent"),
        eq("1500", "1.5 \\times 10^{3}", "times ten to the power"),
        eq("0.00015", "1.5 \\cdot 10^{-4}", "cdot ten to a negative power"),
        ne("1500", "1.5e4", "a wrong exponent"),
        eq("6.02 \\times 10^{23}", "6.02e23", "a large number both ways"),
        // equations
        eq("3", "x = 3", "an assignment against its value"),
        eq("x = 3", "3", "a gold assignment against a value"),
        eq("x=3", "x = 3", "the same assignment"),
        ne("3", "x = 4", "an assignment of the wrong value"),
        eq("y = 2x + 1", "y = 1 + 2x", "an equation with a reordered right side"),
        ne("y = 2x + 1", "y = 2x - 1", "an equation with a different right side"),
        eq("x \\le 3", "3 \\ge x", "an inequality mirrored"),
        ne("x < 3", "x \\le 3", "strict and non-strict inequalities"),
        // expressions with variables
        eq("2x + 3", "3 + 2x", "a reordered sum"),
        eq("x^2 - 1", "(x-1)(x+1)", "a factored polynomial"),
        ne("x^2 + 1", "(x+1)^2", "a wrong expansion"),
        eq("\\frac{x}{2}", "0.5x", "a fraction of a variable"),
        ne("a + b", "a - b", "a different operator"),
        eq("2^{10}", "1024", "a power"),
        eq("3!", "6", "a factorial"),
        eq("|-5|", "5", "an absolute value"),
        eq("2+3\\cdot4", "14", "precedence of product over sum"),
        eq("(2+3)\\cdot4", "20", "parentheses"),
        eq("2^3^2", "512", "right-associative powers"),
        eq("\\infty", "\\infty", "infinity"),
        ne("\\infty", "-\\infty", "infinities of opposite signs"),
        // tuples, intervals, sets
        eq("(1, 2)", "(1,2)", "a tuple"),
        ne("(1, 2)", "(2, 1)", "a tuple out of order"),
        eq("(1, 2)", "\\left( 1, 2 \\right)", "a tuple with \\left and \\right"),
        eq("(\\frac{1}{2}, 3)", "(0.5, 3)", "tuple elements compared by value"),
        ne("(1, 2)", "(1, 2, 3)", "tuples of different lengths"),
        eq("[0, 1]", "[0,1]", "a closed interval"),
        ne("[0, 1]", "(0, 1)", "closed against open interval"),
        eq("(0, 1]", "(0, 1]", "a half-open interval"),
        ne("(0, 1]", "[0, 1)", "the other half-open interval"),
        eq("(-\\infty, 2)", "(-\\infty, 2)", "an unbounded interval"),
        eq(
            "(-\\infty, 0) \\cup (1, \\infty)",
            "(-\\infty,0)\\cup(1,\\infty)",
            "a union of intervals"),
        eq("\\{1, 2, 3\\}", "\\{3, 1, 2\\}", "a set in another order"),
        ne("\\{1, 2, 3\\}", "\\{1, 2\\}", "a set missing an element"),
        eq("1, 2", "2, 1", "a bare list is a set"),
        eq("2, 3", "2 and 3", "a list written with and"),
        eq("(1, 2)", "1, 2", "a bare list answering a tuple"),
        eq("x \\in [1, 2]", "[1, 2]", "membership in an interval"),
        // boxed and GSM8K gold answers
        eq("\\boxed{12}", "12", "a gold answer in a box"),
        eq("Natalia sold 48/2 = 24 clips.\n#### 72", "72", "a GSM8K solution"),
        ne("#### 72", "27", "a GSM8K solution against a wrong answer"),
        // implicit multiplication and functions
        eq("3\\sqrt{2}", "3 \\cdot \\sqrt{2}", "an implicit product with a root"),
        eq("\\sin(0)", "0", "a function value"),
        eq("\\ln(e^{2})", "2", "Euler's number under a log"),
        eq("e^{0}", "1", "Euler's number to the zero"),
        ne("2x", "2y", "different variables"),
        // multiple-choice letters
        eq("(B)", "B", "a choice letter in parentheses"),
        eq("C", "\\text{(C)}", "a choice letter in text"),
        ne("A", "B", "different choice letters"),
        // plus-minus and subscripts
        eq("1 \\pm \\sqrt{2}", "1 - \\sqrt{2}, 1 + \\sqrt{2}", "a plus-minus is two answers"),
        eq("\\pm 3", "3, -3", "a bare plus-minus"),
        ne("\\pm 3", "3", "only one of the two answers"),
        eq("x_1 + x_2", "x_2 + x_1", "subscripted variables"),
        ne("x_1", "x_2", "different subscripts are different variables"),
        ne("(1, 2) + 3", "4", "a tuple inside arithmetic is no value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("equivalenceTable")
  void scoresOneWhenEquivalentAndZeroWhenNot(Case c) {
    Rollout rollout =
        Rollout.of(
            "q",
            "Let me think. So the result is \\boxed{" + c.predicted() + "}",
            Map.of("answer", c.gold()));

    RewardResult result = new AccuracyReward().score(rollout);

    assertThat(result).isEqualTo(RewardResult.score(c.equal() ? 1.0 : 0.0));
  }

  /** A completion, where the answer sits in it, and the expected score for gold 42. */
  record Extraction(String completion, List<ExtractionMode> modes, double expected, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Extraction> extractionTable() {
    List<ExtractionMode> all = AccuracyReward.DEFAULT_EXTRACTION;
    List<ExtractionMode> tagOnly = List.of(ExtractionMode.ANSWER_TAG);
    List<ExtractionMode> boxedOnly = List.of(ExtractionMode.BOXED);
    return Stream.of(
        new Extraction("<think>6*7</think><answer>42</answer>", all, 1, "answer tag"),
        new Extraction(
            "<think>6*7</think>\n<answer>\n42\n</answer>", all, 1, "answer tag with newlines"),
        new Extraction(
            "<answer>The answer is 42.</answer>",
            all,
            1,
            "a sentence in the answer tag falls back to its last number"),
        new Extraction("<answer>\\boxed{42}</answer>", all, 1, "a box inside the answer tag"),
        new Extraction(
            "<answer>41</answer> or rather <answer>42</answer>",
            all,
            1,
            "the last answer tag wins"),
        new Extraction("First \\boxed{41}, finally \\boxed{42}", all, 1, "the last box wins"),
        new Extraction("\\boxed{\\frac{84}{2}}", all, 1, "a box with nested braces"),
        new Extraction("So 6 times 7 is 42", all, 1, "the last number"),
        new Extraction("It is 42, not 41", all, 0, "the last number is the wrong one"),
        new Extraction("42 - 0 = 42", all, 1, "a minus between numbers is not a sign"),
        new Extraction("no digits here", all, 0, "no answer at all scores zero"),
        new Extraction(
            "So 6 times 7 is 42", tagOnly, 0, "tag-only extraction ignores bare numbers"),
        new Extraction("\\boxed{42}", tagOnly, 0, "tag-only extraction ignores boxes"),
        new Extraction(
            "<answer>42</answer> \\boxed{41}", boxedOnly, 0, "box-only extraction ignores tags"),
        new Extraction(
            "<answer>41</answer> \\boxed{42}",
            List.of(ExtractionMode.BOXED, ExtractionMode.ANSWER_TAG),
            1,
            "the configured order decides"),
        new Extraction(
            "<answer>\\frac{</answer> then 42",
            all,
            0,
            "an unreadable answer tag never falls back to a number outside it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extractionTable")
  void extractsTheAnswerFromTheConfiguredPlaces(Extraction e) {
    AccuracyReward reward = new AccuracyReward("answer", e.modes(), Tolerance.DEFAULT);

    RewardResult result = reward.score(Rollout.of("q", e.completion(), Map.of("answer", "42")));

    assertThat(result).isEqualTo(RewardResult.score(e.expected()));
  }

  record Gold(Map<String, Object> fields, String reasonPart, String why) {
    @Override
    public String toString() {
      return why;
    }
  }

  static Stream<Gold> notApplicableTable() {
    return Stream.of(
        new Gold(Map.of(), "no 'answer' field", "the record has no gold answer"),
        new Gold(nullAnswer(), "no 'answer' field", "the gold answer is a JSON null"),
        new Gold(Map.of("answer", "1 + * 2"), "cannot be parsed", "a gold answer that is no math"),
        new Gold(
            Map.of("answer", "\\frac{1}{"), "cannot be parsed", "a malformed LaTeX gold answer"),
        // text that looks like code is parsed as math and rejected, never run
        new Gold(
            Map.of("answer", "Runtime.getRuntime().exec(\"rm -rf /\")"),
            "cannot be parsed",
            "a gold answer that is code"),
        new Gold(
            Map.of("answer", List.of(1, 2)),
            "cannot be parsed",
            "a gold answer of an unreadable type"));
  }

  static Map<String, Object> nullAnswer() {
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("answer", null);
    return fields;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notApplicableTable")
  void isNotApplicableWhenTheGoldAnswerCannotBeRead(Gold g) {
    RewardResult result = new AccuracyReward().score(Rollout.of("q", "\\boxed{1}", g.fields()));

    assertThat(result).isInstanceOf(RewardResult.NotApplicable.class);
    assertThat(((RewardResult.NotApplicable) result).reason()).contains(g.reasonPart());
  }

  @org.junit.jupiter.api.Test
  void acceptsANumericGoldAnswer() {
    Rollout rollout = Rollout.of("q", "\\boxed{2.5}", Map.of("answer", 2.5));

    assertThat(new AccuracyReward().score(rollout)).isEqualTo(RewardResult.score(1.0));
  }

  /** A hack a policy could learn, the rule that closes it, and the score it gets. */
  record Hack(String gold, String completion, double expected, String rule) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static Stream<Hack> hackTable() {
    return Stream.of(
        new Hack("13", "\\boxed{7+5+2-1}", 0, "restating the sum for 13 is refused under value"),
        new Hack("1024", "\\boxed{2^{10}}", 0, "an unevaluated power is refused under value"),
        new Hack("120", "\\boxed{5!}", 0, "an unevaluated factorial is refused under value"),
        new Hack("13", "<answer>x = 6 + 7</answer>", 0, "an assignment of a sum is refused too"),
        new Hack("(13, 2)", "\\boxed{(6+7, 2)}", 0, "so is a sum inside a tuple"),
        new Hack("13", "\\boxed{13}", 1, "the value itself is paid"),
        new Hack("\\frac{3}{4}", "\\boxed{\\frac{6}{8}}", 1, "a fraction of integers is a value"),
        new Hack("3\\sqrt{2}", "\\boxed{\\sqrt{18}}", 1, "a surd is a value"),
        new Hack("1500", "\\boxed{1.5 \\times 10^{3}}", 1, "scientific notation is a value"),
        new Hack(
            "42",
            "<answer>I am not sure</answer> The result is 42.",
            0,
            "an answer tag without an answer does not fall back to the number after it"),
        new Hack(
            "42",
            "<answer>\\frac{</answer> \\boxed{42}",
            0,
            "an unreadable answer tag does not fall back to a box"),
        new Hack("42", "<answer></answer> 42", 0, "an empty answer tag scores 0"),
        new Hack(
            "1000000000",
            "\\boxed{1000000001}",
            0,
            "large integers are exact: no tolerance pays 10^9 + 1 for 10^9"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hackTable")
  void closesEachRewardHack(Hack h) {
    Rollout rollout = Rollout.of("q", h.completion(), Map.of("answer", h.gold()));

    assertThat(new AccuracyReward().score(rollout)).isEqualTo(RewardResult.score(h.expected()));
  }

  @org.junit.jupiter.api.Test
  void answerFormExpressionPaysAnEqualExpressionWhenConfigured() {
    RewardRegistry registry = RewardRegistry.load();
    Rollout rollout = Rollout.of("q", "\\boxed{7+5+2-1}", Map.of("answer", "13"));

    assertThat(registry.create("accuracy", Map.of("answerForm", "expression")).score(rollout))
        .isEqualTo(RewardResult.score(1.0));
    assertThat(registry.create("accuracy", Map.of("answerForm", "value")).score(rollout))
        .isEqualTo(RewardResult.score(0.0));
    assertThat(registry.create("accuracy", Map.of()).score(rollout))
        .as("value is the default")
        .isEqualTo(RewardResult.score(0.0));
  }

  @org.junit.jupiter.api.Test
  void aMisspeltAnswerFormIsAConfigErrorNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RewardRegistry.load().create("accuracy", Map.of("answerForm", "values")))
        .isInstanceOf(io.tributary.config.ConfigException.class)
        .hasMessageContaining("params.answerForm")
        .hasMessageContaining("value or expression");
  }

  private static final AccuracyReward AFTER_THINK =
      (AccuracyReward)
          new AccuracyReward.Provider()
              .create(
                  new RewardParams(
                      Map.of(
                          "answerAfter",
                          "</think>",
                          "extract",
                          List.of("boxed", "final_answer", "last_number"))));

  @org.junit.jupiter.api.Test
  void withAnswerAfterOnlyTheTextAfterTheLastMarkerIsRead() {
    String completion = "<think>\nmaybe \\boxed{7}? no: 6 * 7 = 42\n</think>\n\nThe answer is 42.";

    assertThat(AFTER_THINK.score(Rollout.of("q", completion, Map.of("answer", "42"))))
        .isEqualTo(RewardResult.score(1.0));
    assertThat(new AccuracyReward().score(Rollout.of("q", completion, Map.of("answer", "42"))))
        .as("read whole, the box inside the reasoning wins")
        .isEqualTo(RewardResult.score(0.0));
  }

  @org.junit.jupiter.api.Test
  void withAnswerAfterACompletionThatNeverWroteTheMarkerHasNoAnswer() {
    String cutOff = "<think>\n6 * 7 = 42";

    assertThat(AFTER_THINK.score(Rollout.of("q", cutOff, Map.of("answer", "42"))))
        .isEqualTo(RewardResult.score(0.0));
    assertThat(AFTER_THINK.check("42", cutOff).reason()).contains("no '</think>'");
  }
}
