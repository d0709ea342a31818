package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountdownVerifierTest {
  @ParameterizedTest(name = "{0} from [{1}] for {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "(50-25)*3+7       | 25 50 3 7 | 82 | CORRECT",
        "7+3*(50-25)       | 25 50 3 7 | 82 | CORRECT",
        "' (50 - 25)*3 + 7'| 25 50 3 7 | 82 | CORRECT",
        "50+25+7           | 25 50 3 7 | 82 | CORRECT", // not every number must be used
        "6/(1-3/4)         | 1 3 4 6   | 24 | CORRECT", // exact rational intermediate
        "3*3               | 3 3 7     | 9  | CORRECT", // a number given twice may be used twice
        "(50-25)*3         | 25 50 3 7 | 82 | WRONG_VALUE",
        "6/4*16            | 4 6 16    | 25 | WRONG_VALUE", // 24, and not rounded to 25
        "(50-25)*3+7+7     | 25 50 3 7 | 82 | NUMBER_REUSED",
        "3*3*3             | 3 3 7     | 27 | NUMBER_REUSED",
        "(50-25)*3+8       | 25 50 3 7 | 83 | NUMBER_NOT_GIVEN",
        "82                | 25 50 3 7 | 82 | NUMBER_NOT_GIVEN",
        "7/(3-3)           | 3 3 7     | 1  | DIVISION_BY_ZERO",
        "(50-25*3+7        | 25 50 3 7 | 82 | UNPARSABLE",
        "(50-25)*3+7=82    | 25 50 3 7 | 82 | UNPARSABLE",
        "''                | 25 50 3 7 | 82 | UNPARSABLE",
        "-7+89             | 7 89      | 82 | UNPARSABLE",
        "eval(82)          | 25 50 3 7 | 82 | UNPARSABLE"
      })
  void judgesAnswersAgainstNumbersAndTarget(
      String answer, String numbers, long target, Outcome expected) {
    List<Long> given = Arrays.stream(numbers.split(" ")).map(Long::valueOf).toList();
    Verdict verdict = CountdownVerifier.verify(given, target, answer);
    assertThat(verdict.outcome()).as(verdict.reason()).isEqualTo(expected);
    assertThat(verdict.reason()).isNotBlank();
  }

  @ParameterizedTest
  @CsvSource({"(50-25)*3+7, CORRECT", "(50-25)*3+8, NUMBER_NOT_GIVEN"})
  void readsNumbersAndTargetFromThePromptExtraFields(String answer, Outcome expected) {
    TaskPrompt prompt =
        new TaskPrompt(
            "countdown-train-000001",
            "Use 25,50,3,7 to make 82.",
            "(50-25)*3+7",
            "countdown",
            Map.of("numbers", List.of(25, 50, 3, 7), "target", 82));
    assertThat(TaskKind.verify(prompt, answer).outcome()).isEqualTo(expected);
  }
}
