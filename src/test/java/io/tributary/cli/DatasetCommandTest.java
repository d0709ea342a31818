package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.tasks.Jsonl;
import io.tributary.tasks.TaskPrompt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCommandTest {
  @Test
  void generateWritesBothSplitsAndTraces(@TempDir Path dir) {
    int code =
        TributaryCli.commandLine()
            .execute(
                "dataset",
                "generate",
                "--task",
                "countdown",
                "--train",
                "30",
                "--heldout",
                "10",
                "--seed",
                "4",
                "--out",
                dir.toString(),
                "--noise",
                "0.2");
    assertThat(code).isZero();
    assertThat(Jsonl.read(dir.resolve("train.jsonl"), TaskPrompt.class)).hasSize(30);
    assertThat(Jsonl.read(dir.resolve("heldout.jsonl"), TaskPrompt.class)).hasSize(10);
    assertThat(dir.resolve("sft_train.jsonl")).exists();
    assertThat(dir.resolve("sft_heldout.jsonl")).exists();
  }

  @Test
  void aNoiseThatIsNotAProbabilityIsABadInput(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    int code =
        TributaryCli.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "dataset",
                "generate",
                "--task",
                "arithmetic",
                "--train",
                "3",
                "--heldout",
                "1",
                "--out",
                dir.toString(),
                "--noise",
                "1.5");
    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("noise: got 1.5, expected a probability in [0, 1]");
  }
}
