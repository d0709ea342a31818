package io.tributary.reward.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tributary.reward.math.MathEquivalence.Tolerance;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The algebra under the accuracy reward; the table of answer forms is equivalence-cases.tsv. */
class MathEquivalenceTest {
  private static final MathEquivalence EXPRESSION =
      new MathEquivalence(Tolerance.DEFAULT, AnswerForm.EXPRESSION);
  private static final MathEquivalence VALUE =
      new MathEquivalence(Tolerance.DEFAULT, AnswerForm.VALUE);

  private static MathExpr parse(String s) {
    return AnswerExtractor.parseWhole(s).orElseThrow(() -> new AssertionError("unread: " + s));
  }

  private static boolean same(String gold, String answer) {
    return EXPRESSION.equivalent(parse(gold), parse(answer));
  }

  @Test
  void integersStayExactFarBeyondDoublePrecision() {
    assertThat(same("10^{30}", "1000000000000000000000000000001")).isFalse();
    assertThat(same("10^{30}", "1000000000000000000000000000000")).isTrue();
    assertThat(same("2^{64} - 1", "18446744073709551615")).isTrue();
    // a double cannot tell these apart: 2^53 + 1 rounds to 2^53
    assertThat(same("9007199254740993", "9007199254740992")).isFalse();
  }

  @Test
  void aToleranceAppliesOnlyWhereAValueIsIrrationalOrADecimalStandsForOne() {
    assertThat(same("\\sqrt{2}", "1.414214")).isTrue();
    assertThat(same("\\sqrt{2}", "1.4142")).isFalse();
    assertThat(same("\\frac{2}{3}", "0.666667")).isTrue();
    assertThat(same("\\frac{1}{8}", "0.125001")).as("1/8 terminates: exact").isFalse();
  }

  @Test
  void identitiesAreCheckedExactlyAtRationalPoints() {
    // equal to 1e-12 in double at most points, but not an identity
    assertThat(same("(x+1)^2", "x^2 + 2x + 1 + 10^{-12}")).isFalse();
    assertThat(same("(x+1)^2", "x^2 + 2x + 1")).isTrue();
  }

  @Test
  void anExpressionUndefinedAtEveryPointIsUndecidedAndSoNotEqual() {
    assertThat(same("\\sqrt{-x^2-1}", "\\sqrt{-x^2-2}")).isFalse();
    assertThat(same("\\sqrt{-x^2-1}", "\\sqrt{-x^2-1}")).as("the same tree").isTrue();
  }

  @Test
  void equationsAreEqualUpToANonZeroFactorAndInequalitiesUpToAPositiveOne() {
    assertThat(same("x + y = 2", "-3x - 3y = -6")).isTrue();
    assertThat(same("x + y = 2", "0 = 0")).isFalse();
    assertThat(same("x < 1", "-2x > -2")).isTrue();
    assertThat(same("x < 1", "-2x < -2")).isFalse();
  }

  @Test
  void underValueOnlyFinishedNumbersAnswerANumber() {
    assertThat(VALUE.equivalent(parse("13"), parse("7+5+2-1"))).isFalse();
    assertThat(EXPRESSION.equivalent(parse("13"), parse("7+5+2-1"))).isTrue();
    assertThat(VALUE.equivalent(parse("1+\\sqrt{2}"), parse("\\sqrt{2}+1"))).isTrue();
    assertThat(VALUE.equivalent(parse("x+1"), parse("1+x"))).as("gold not a number").isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9^{9^{9^{9}}}",
        "10^{100000} + 1",
        "\\sqrt[60000]{2}",
        "100000!",
        "(x+1)^{100000}",
        "x^{x^{x^{x^{x}}}}",
        "\\sin(10^{400})"
      })
  void hostileAnswersAreDecidedQuickly(String answer) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThat(
                    AnswerExtractor.parseWhole(answer)
                        .map(a -> EXPRESSION.equivalent(parse("1"), a)))
                .contains(false));
  }

  @Test
  void rationalsAreKeptInLowestTermsSoThatEqualityIsNumeric() {
    BigRational half = new BigRational(BigInteger.valueOf(-3), BigInteger.valueOf(-6));
    assertThat(half).isEqualTo(BigRational.parseDecimal("0.5"));
    assertThat(BigRational.parseDecimal("1.5e-3"))
        .isEqualTo(new BigRational(BigInteger.valueOf(3), BigInteger.valueOf(2000)));
    assertThat(BigRational.of(27).root(3)).isEqualTo(BigRational.of(3));
    assertThat(BigRational.of(-27).root(3)).isEqualTo(BigRational.of(-3));
    assertThat(BigRational.of(2).root(2)).isNull();
    assertThat(BigRational.of(10).pow(BigInteger.valueOf(1_000_000))).as("too large").isNull();
  }
}
