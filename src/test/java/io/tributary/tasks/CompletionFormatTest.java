package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompletionFormatTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<think>1+1=2</think><answer>2</answer>   | true  | 2",
        "<think>1+1=2</think><answer> 2 </answer> | true  | 2",
        "<think></think><answer></answer>         | true  | ''",
        "<think>1+1=2</think><answer>2            | false | ",
        "<answer>2</answer>                       | false | 2",
        "<think>a</think>b<answer>2</answer>      | false | 2",
        "<think>a</think><answer>2</answer><answer>3</answer> | false | 2",
        "1+1=2                                    | false | "
      })
  void extractsTheAnswerAndChecksTheForm(String completion, boolean wellFormed, String answer) {
    assertThat(CompletionFormat.isWellFormed(completion)).isEqualTo(wellFormed);
    assertThat(CompletionFormat.extractAnswer(completion).orElse(null)).isEqualTo(answer);
  }

  @ParameterizedTest
  @CsvSource({"<think>ab</think><answer>c</answer>, 7", "abc, 3", "<answer>, 1"})
  void countsEachTagAsOneToken(String text, int tokens) {
    assertThat(CompletionFormat.tokenLength(text)).isEqualTo(tokens);
  }
}
