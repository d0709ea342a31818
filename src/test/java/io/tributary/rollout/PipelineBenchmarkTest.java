package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.Yaml;
import io.tributary.json.Json;
import io.tributary.model.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's plumbing: both sides in child JVMs, a round each, one JSON line at the end. */
class PipelineBenchmarkTest {
  @Test
  void bothSidesRunInTheirOwnJvmsAndGenerateTheSameTokens(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("tiny.yaml");
    Files.writeString(model, Yaml.write(TinyModels.forCharTokenizer()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PipelineBenchmark.run(
        new PipelineBenchmark.Settings(model, 24, 2, 6, 4, 1, 1),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    JsonNode result = Json.mapper().readTree(lines[lines.length - 1]);
    assertThat(result.get("jvm_per_side").asBoolean()).isTrue();
    for (String p : new String[] {"p1_", "p2_"}) {
      assertThat(result.get(p + "same_tokens").asBoolean()).as(p + "same_tokens").isTrue();
      assertThat(result.get(p + "plain_rollouts_per_s").asDouble()).isPositive();
      assertThat(result.get(p + "pipeline_rollouts_per_s").asDouble()).isPositive();
    }
    assertThat(result.get("pipeline_over_plain_ratio").asDouble())
        .isEqualTo(
            Math.min(
                result.get("p1_pipeline_over_plain_ratio").asDouble(),
                result.get("p2_pipeline_over_plain_ratio").asDouble()));
  }

  @Test
  void aSideThatFailsStopsTheBenchmarkWithItsReason(@TempDir Path dir) throws Exception {
    // a context of 6 tokens: "3*2=" fits, "10*7=" (the second prompt) does not
    Path model = dir.resolve("short-context.yaml");
    String tiny = Yaml.write(TinyModels.forCharTokenizer());
    assertThat(tiny).contains("maxSeqLen: 48");
    Files.writeString(model, tiny.replace("maxSeqLen: 48", "maxSeqLen: 6"));

    assertThatThrownBy(
            () ->
                PipelineBenchmark.run(
                    new PipelineBenchmark.Settings(model, 24, 2, 4, 4, 1, 1),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the PLAIN side failed")
        .hasMessageContaining("prompt 2 rejected")
        .hasMessageContaining("oversized");
  }
}
