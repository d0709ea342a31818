package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.RewardBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRewardBenchmarkTest {
  @TempDir Path dir;

  @Test
  void theBenchmarkMeasuresBothModelBasedRewardsAtBatch1And32() {
    try (RewardModel model =
        RewardModel.create(
            TinyRewardModels.config(), new io.tributary.tokenizer.CharTokenizer(), 4)) {
      model.save(dir, Map.of());
    }
    List<String> notes = new ArrayList<>();
    var extra =
        ModelRewardBenchmarks.suppliers(dir, TorchScriptRewardTest.DESCRIPTOR, "cpu", notes::add);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RewardBenchmark.Report report =
        RewardBenchmark.run(
            new RewardBenchmark.Settings(1, Duration.ofMillis(10), 1),
            extra,
            new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(notes).isEmpty();
    List<RewardBenchmark.Row> modelRows =
        report.rows().stream()
            .filter(
                r -> r.reward().equals("reward_model") || r.reward().equals("torchscript_reward"))
            .toList();
    assertThat(modelRows)
        .extracting(RewardBenchmark.Row::reward, RewardBenchmark.Row::batch)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("reward_model", 1),
            org.assertj.core.groups.Tuple.tuple("reward_model", 32),
            org.assertj.core.groups.Tuple.tuple("torchscript_reward", 1),
            org.assertj.core.groups.Tuple.tuple("torchscript_reward", 32));
    assertThat(modelRows).allSatisfy(r -> assertThat(r.scorer()).isPositive());
    String last = bytes.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).startsWith("{").contains("torchscript_reward");
  }

  @Test
  void aMissingModelIsSkippedWithANote() {
    List<String> notes = new ArrayList<>();
    var extra =
        ModelRewardBenchmarks.suppliers(
            dir.resolve("absent"), TorchScriptRewardTest.DESCRIPTOR, "cpu", notes::add);
    assertThat(extra).containsOnlyKeys("torchscript_reward");
    assertThat(notes).singleElement().asString().contains("reward_model", "absent");
  }
}
