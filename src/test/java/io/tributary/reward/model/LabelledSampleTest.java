package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.tasks.TaskPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelledSampleTest {
  @TempDir Path dir;

  @Test
  void aSampleWithoutAGroupIsGroupedByItsPrompt() throws IOException {
    Path file = dir.resolve("l.jsonl");
    Files.writeString(file, "{\"prompt\":\"1+1=\",\"completion\":\"2\",\"label\":1}\n\n");
    assertThat(LabelledSample.read(file))
        .singleElement()
        .extracting(LabelledSample::group)
        .isEqualTo("1+1=");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // a label that is not 0 or 1
        "{\"prompt\":\"a\",\"completion\":\"b\",\"label\":2}|label",
        // no label at all
        "{\"prompt\":\"a\",\"completion\":\"b\"}|label",
        // a misspelt key
        "{\"prompt\":\"a\",\"completion\":\"b\",\"label\":1,\"lable\":1}|lable",
        // no completion
        "{\"prompt\":\"a\",\"label\":0}|completion"
      })
  void aBadLineNamesTheFileTheLineAndTheField(String line, String field) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"prompt\":\"x\",\"completion\":\"y\",\"label\":0}\n" + line + "\n");
    assertThatThrownBy(() -> LabelledSample.read(file))
        .hasMessageContainingAll("bad.jsonl:2", field);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // the right answer in tags
        "<think>2+3=5</think><answer>5</answer>|true",
        // a wrong answer
        "<think>2+3=6</think><answer>6</answer>|false",
        // a right number without the answer tags is not an answer
        "<think>2+3=5</think>5|false",
        // empty answer tags
        "<think>2+3=5</think><answer></answer>|false"
      })
  void policySamplesAreGradedByTheArithmeticVerifier(String completion, boolean correct) {
    TaskPrompt prompt = new TaskPrompt("p1", "2+3=", "5", "arithmetic", Map.of());
    assertThat(PolicySamples.grade(prompt, completion)).isEqualTo(correct);
  }
}
