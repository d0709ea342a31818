package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.cli.TributaryCli;
import io.tributary.json.Json;
import io.tributary.model.PolicyModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary logprobs} and {@code tributary export} on the committed fixtures. */
class HfCommandsTest {
  static final Path QWEN3 = HfParityTest.FIXTURES.resolve("qwen3");

  @TempDir Path dir;

  static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TributaryCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    assertThat(code).as("exit code; stderr: %s", err).isZero();
    return out.toString();
  }

  @Test
  void logprobsGivesTheReferenceTopFiveAtEveryPosition() throws Exception {
    JsonNode reference = HfParityTest.reference("qwen3");
    int[] tokens = HfParityTest.ids(reference.get("sequences").get(0));
    StringBuilder ids = new StringBuilder();
    for (int t : tokens) {
      ids.append(ids.length() == 0 ? "" : ",").append(t);
    }
    JsonNode out =
        Json.mapper()
            .readTree(run("logprobs", "--hf", QWEN3.toString(), "--tokens", ids.toString()));
    JsonNode positions = out.get("positions");
    assertThat(positions.size()).isEqualTo(tokens.length);
    JsonNode expected = reference.get("topk_logprobs").get("positions");
    for (int i = 0; i < expected.size(); i++) {
      JsonNode top = positions.get(i).get("top");
      for (int j = 0; j < 5; j++) {
        assertThat(top.get(j).get("id").asInt())
            .as("position %d, rank %d", i, j)
            .isEqualTo(expected.get(i).get("ids").get(j).asInt());
        assertThat(top.get(j).get("logprob").asDouble())
            .isCloseTo(expected.get(i).get("logprobs").get(j).asDouble(), within(1e-4));
      }
    }
    JsonNode first = positions.get(0);
    assertThat(first.get("nextToken").asInt()).isEqualTo(tokens[1]);
    assertThat(first.get("nextLogprob").asDouble()).isNegative();
    assertThat(positions.get(tokens.length - 1).has("nextToken")).isFalse(); // nothing follows
  }

  @Test
  void logprobsOfTextUseTheDirectorysTokenizer() throws Exception {
    JsonNode reference = HfParityTest.reference("qwen3");
    JsonNode out =
        Json.mapper()
            .readTree(
                run(
                    "logprobs",
                    "--hf",
                    QWEN3.toString(),
                    "--text",
                    reference.get("texts").get(0).asText()));
    assertThat(HfParityTest.ids(out.get("tokens")))
        .containsExactly(HfParityTest.ids(reference.get("sequences").get(0)));
  }

  @Test
  void exportWritesACheckpointOfAnImportedModelBackWithItsTokenizer() throws Exception {
    Path checkpoint = dir.resolve("policy.ckpt");
    try (PolicyModel model = HfImport.load(QWEN3);
        var tokenizer = HfTokenizers.load(QWEN3)) {
      Checkpoint.save(checkpoint, model, tokenizer.spec(), 3, 30, Map.of());
    }
    Path out = dir.resolve("exported");
    assertThat(run("export", "--policy", checkpoint.toString(), "--out", out.toString()))
        .contains("qwen3");
    HfRoundTripTest.assertSameTensors(QWEN3, out);
    assertThat(out.resolve("tokenizer.json"))
        .hasSameTextualContentAs(QWEN3.resolve("tokenizer.json"));
    assertThat(out.resolve("config.json")).hasSameTextualContentAs(QWEN3.resolve("config.json"));
    // and the export is a model directory Tributary loads with the same logits
    JsonNode again =
        Json.mapper().readTree(run("logprobs", "--hf", out.toString(), "--tokens", "1,2,3"));
    JsonNode original =
        Json.mapper().readTree(run("logprobs", "--hf", QWEN3.toString(), "--tokens", "1,2,3"));
    assertThat(again).isEqualTo(original);
  }
}
