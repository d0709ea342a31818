package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.hf.HfArchitecture;
import io.tributary.hf.HfConfig;
import io.tributary.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * bench learner on the tiny Qwen3 fixture's architecture: one update, its figures, one JSON line.
 */
class LearnerBenchmarkTest {
  private static final ModelConfig TINY_QWEN3 =
      HfArchitecture.modelConfig(HfConfig.read(Path.of("src/test/resources/hf/qwen3")));

  @Test
  void oneUpdateOfAGroupTakesOneOptimizerStepPerSequenceAndReportsItsFigures() {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    LearnerBenchmark.Result result =
        LearnerBenchmark.run(
            TINY_QWEN3,
            new LearnerBenchmark.Settings(8, 40, 2, 4, 0.0, 1),
            new PrintStream(text, true, StandardCharsets.UTF_8));

    assertThat(result.stats().optimizerSteps()).isEqualTo(2);
    assertThat(result.tokensTrained()).isEqualTo(2 * (8 + 40));
    assertThat(result.tokensPerSecond()).isPositive();
    assertThat(result.rssPeakMb()).isGreaterThanOrEqualTo(result.rssStartMb());
    assertThat(result.trainableParameters()).isPositive();
    String lastLine =
        text.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).get();
    assertThat(lastLine)
        .startsWith("{\"benchmark\":\"learner\"")
        .contains("\"new_tokens\":40", "\"lora_rank\":4", "\"rss_peak_mb\":");
  }

  @Test
  void aGroupOfOneIsRefusedBecauseItHasNoAdvantage() {
    assertThatThrownBy(() -> new LearnerBenchmark.Settings(8, 40, 1, 4, 0.0, 1))
        .hasMessageContaining("groupSize: got 1");
  }
}
