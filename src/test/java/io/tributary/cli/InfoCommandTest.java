package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
  private static String stdoutOf(Runnable run) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void hfPrintsArchitectureParameterCountsAndDtypeAsOneJsonObject() throws Exception {
    int[] code = new int[1];
    String out =
        stdoutOf(
            () ->
                code[0] =
                    TributaryCli.commandLine()
                        .execute("info", "--hf", "src/test/resources/hf/qwen3_moe"));
    assertThat(code[0]).isZero();
    JsonNode info = Json.mapper().readTree(out);
    assertThat(info.get("model_type").asText()).isEqualTo("qwen3_moe");
    assertThat(info.get("dtype").asText()).isEqualTo("float32");
    long total = info.get("params_total").asLong();
    long active = info.get("params_active_per_token").asLong();
    assertThat(active).isPositive().isLessThan(total);
    assertThat(info.get("stored_elements").asLong()).isEqualTo(total);
    assertThat(info.get("moe").get("num_experts").asInt()).isEqualTo(8);
  }

  @Test
  void aDirectoryThatIsNoModelIsABadInputNamingTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    StringWriter err = new StringWriter();
    int code =
        TributaryCli.commandLine()
            .setErr(new PrintWriter(err))
            .execute("info", "--hf", dir.toString());
    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .contains("config.json")
        .contains("model_type 'gpt2' is not supported");
  }
}
