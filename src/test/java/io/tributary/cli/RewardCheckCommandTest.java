package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RewardCheckCommandTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TributaryCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void showsHowEachSideWasReadAndTheVerdict() {
    Run run =
        run("reward", "check", "--gold", "\\frac{1}{2}", "--answer", "So <answer>$0.5$</answer>");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("read as:    (1/2)")
        .contains("found by:   ANSWER_TAG")
        .contains("span:       '0.5'")
        .contains("read as:    0.5 (= 1/2)")
        .contains("verdict:  correct (score 1.0)");
  }

  @Test
  void saysWhyAnUnevaluatedAnswerIsRefusedAndThatExpressionFormAcceptsIt() {
    Run value = run("reward", "check", "--gold", "13", "--answer", "\\boxed{7+5+2-1}");
    Run expression =
        run(
            "reward",
            "check",
            "--gold",
            "13",
            "--answer",
            "\\boxed{7+5+2-1}",
            "--param",
            "answerForm=expression");

    assertThat(value.out())
        .contains("read as:    (((7 + 5) + 2) - 1)")
        .contains("answerForm: value refuses")
        .contains("verdict:  incorrect (score 0.0)");
    assertThat(expression.out()).contains("verdict:  correct (score 1.0)");
  }

  @Test
  void saysSoWhenNoAnswerCanBeFound() {
    Run run = run("reward", "check", "--gold", "42", "--answer", "<answer>\\frac{</answer> 42");

    assertThat(run.out())
        .contains("(no mode found a readable answer)")
        .contains("verdict:  incorrect (score 0.0)");
  }

  @Test
  void scoresWithAnotherRewardByName() {
    Run run = run("reward", "check", "--gold", "42", "--answer", "42", "--reward", "format");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("verdict:").doesNotContain("found by");
  }

  @Test
  void anUnknownParamIsABadInputNamingTheKey() {
    Run run =
        run("reward", "check", "--gold", "42", "--answer", "42", "--param", "answerFrom=value");

    assertThat(run.exitCode()).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("answerFrom");
  }
}
