package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionParserTest {
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1+2*3        | 7",
        "(1+2)*3      | 9",
        "10-4-3       | 3", // left-associative
        "10-(4-3)     | 9",
        "64/4/2       | 8",
        "7/2          | 7/2", // exact rationals, no rounding
        "7/2*2        | 7",
        "6/(1-3/4)    | 24",
        "' ( 50 - 25 ) * 3 + 7 ' | 82",
        "((((5))))    | 5",
        "000012       | 12"
      })
  void evaluatesWithUsualPrecedenceInExactRationals(String text, String value) {
    assertThat(ExpressionParser.parse(text).evaluate().toString()).isEqualTo(value);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''           | got nothing, expected an expression",
        "1+           | at character 2: got the end, expected a number or '('",
        "(1+2         | at character 4: got the end, expected ')'",
        "1+2)         | at character 3: got ')', expected an operator or the end",
        "-3+5         | at character 0: got '-', expected a number or '('",
        "2**3         | at character 2: got '*', expected a number or '('",
        "3.5          | at character 1: got '.', expected an operator or the end",
        "1+2=3        | at character 3: got '=', expected an operator or the end",
        "x+1          | at character 0: got 'x', expected a number or '('",
        "1234567890123 | number with 13 digits, expected at most 12",
        "٣+1          | at character 0: got '٣', expected a number or '('"
      })
  void rejectsWhatIsNotAnExpressionNamingThePosition(String text, String message) {
    assertThatThrownBy(() -> ExpressionParser.parse(text))
        .isInstanceOf(ExpressionSyntaxException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsDeepNestingAndOverlongTextInsteadOfOverflowingTheStack() {
    assertThatThrownBy(() -> ExpressionParser.parse("(".repeat(40) + "1" + ")".repeat(40)))
        .hasMessageContaining("nested deeper than 32");
    assertThatThrownBy(() -> ExpressionParser.parse("1+".repeat(200) + "1"))
        .hasMessageContaining("expected at most 256");
  }

  @Test
  void renderingReadsBackAsTheSameTree() {
    ArithmeticGenerator generator =
        new ArithmeticGenerator(
            new ArithmeticConfig(6, 20, java.util.List.of(Operator.values()), 1_000_000, true));
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      Expression tree = generator.sample(random).solution();
      assertThat(ExpressionParser.parse(tree.render())).isEqualTo(tree);
    }
  }
}
