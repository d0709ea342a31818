package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Gsm8kTest {
  private static final Path SAMPLE = Path.of("datasets/gsm8k/gsm8k_test_first200.jsonl");
  private static final String GOOD = "{\"question\":\"How many?\",\"answer\":\"2+2=4\\n#### 4\"}";

  @Test
  void loadsTheShippedSampleWithNumericGoldAnswers() {
    List<TaskPrompt> prompts = Gsm8k.load(SAMPLE);
    assertThat(prompts).hasSize(200);
    assertThat(prompts.get(0).id()).isEqualTo("gsm8k-000001");
    assertThat(prompts.get(0).prompt()).startsWith("Janet");
    assertThat(prompts.get(0).answer()).isEqualTo("18");
    assertThat(prompts.get(2).answer()).isEqualTo("70000"); // written "70,000" in the solution
    assertThat(prompts.get(0).extra().get("solution").toString()).endsWith("#### 18");
    Pattern number = Pattern.compile("-?\\d+(\\.\\d+)?");
    assertThat(prompts).allMatch(p -> number.matcher(p.answer()).matches());
    assertThat(prompts).allMatch(p -> p.task().equals("gsm8k"));
    assertThat(prompts.stream().map(TaskPrompt::id).distinct()).hasSize(200);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource({
    "70000, CORRECT",
    "'70,000', CORRECT",
    "$70000, CORRECT",
    "70000.00, CORRECT",
    "70001, WRONG_VALUE",
    "seventy thousand, UNPARSABLE"
  })
  void verifiesAnswersByNumericValue(String answer, Outcome expected) {
    TaskPrompt prompt = Gsm8k.load(SAMPLE).get(2);
    assertThat(TaskKind.verify(prompt, answer).outcome()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"question\": \"Q\" | not valid JSON",
        "[1, 2] | got ARRAY, expected a JSON object",
        "{\"answer\": \"#### 4\"} | field 'question': got nothing, expected text",
        "{\"question\": \"Q\", \"answer\": 4} | field 'answer': got 4, expected text",
        "{\"question\": \"Q\", \"answer\": \"it is 4\"} | field 'answer': no '####'",
        "{\"question\": \"Q\", \"answer\": \"#### four\"} | got 'four' after '####', expected a number"
      })
  void malformedLinesNameTheFileAndLine(String badLine, String problem, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, GOOD + "\n\n" + badLine + "\n" + GOOD + "\n");
    assertThatThrownBy(() -> Gsm8k.load(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ":3: ")
        .hasMessageContaining(problem);
  }
}
