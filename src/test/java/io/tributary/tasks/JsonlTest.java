package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlTest {
  private static final String GOOD =
      "{\"id\":\"a\",\"prompt\":\"1+1=\",\"answer\":\"2\",\"task\":\"arithmetic\",\"extra\":{}}";

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"id\":\"b\",\"answer\":\"2\",\"task\":\"arithmetic\"} | prompt: got nothing, expected text",
        "{\"id\":\"b\",\"prompt\":\"p\",\"answer\":\"2\",\"task\":\"t\",\"colour\":1} | colour",
        "{\"id\":\"b\",\"prompt\":\"p\",\"answer\":\"2\",\"task\":\"t\",\"extra\":{\"n\":null}} | extra.n: got null",
        "not json | not valid JSON"
      })
  void badTaskPromptLinesNameFileLineAndField(String line, String problem, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("prompts.jsonl");
    Files.writeString(file, GOOD + "\n" + line + "\n");
    assertThatThrownBy(() -> Jsonl.read(file, TaskPrompt.class))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ":2: ")
        .hasMessageContaining(problem);
  }
}
