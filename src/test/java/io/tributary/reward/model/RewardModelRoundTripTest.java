package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.model.DeviceChoice;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardModelRoundTripTest {
  @TempDir Path dir;

  private static List<String> prompts() {
    return TinyRewardModels.samples().stream().map(LabelledSample::prompt).toList();
  }

  private static List<String> completions() {
    return TinyRewardModels.samples().stream().map(LabelledSample::completion).toList();
  }

  @Test
  void aSavedAndLoadedModelGivesIdenticalScores() {
    float[] before;
    try (RewardModel model = TinyRewardModels.trainedForAFewSteps(1)) {
      before = model.score(prompts(), completions());
      model.save(dir, Map.of("note", "test"));
    }
    assertThat(dir.resolve(RewardModelDescriptor.FILE_NAME)).exists();
    try (RewardModel loaded = RewardModel.load(dir, DeviceChoice.CPU)) {
      assertThat(loaded.score(prompts(), completions())).containsExactly(before);
    }
    for (float score : before) {
      assertThat(score).isBetween(0f, 1f);
    }
  }

  @Test
  void scoresDoNotDependOnBatchMatesOrPadding() {
    try (RewardModel model = TinyRewardModels.trainedForAFewSteps(2)) {
      float[] batch = model.score(prompts(), completions());
      for (int i = 0; i < batch.length; i++) {
        float alone = model.score(List.of(prompts().get(i)), List.of(completions().get(i)))[0];
        assertThat(alone)
            .as("row %d", i)
            .isCloseTo(batch[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void theRewardModelRewardScoresAGroupLikeTheModelAndIsFoundByName() throws Exception {
    float[] expected;
    try (RewardModel model = TinyRewardModels.trainedForAFewSteps(3)) {
      expected = model.score(prompts(), completions());
      model.save(dir, Map.of());
    }
    RewardFunction reward =
        RewardRegistry.load()
            .create(
                "reward_model", Map.of("path", dir.toString(), "batchSize", 4, "device", "cpu"));
    try {
      List<Rollout> group =
          TinyRewardModels.samples().stream()
              .map(s -> Rollout.of(s.prompt(), s.completion(), Map.of()))
              .toList();
      List<RewardResult> results = reward.scoreGroup(group);
      assertThat(results).hasSize(group.size());
      for (int i = 0; i < results.size(); i++) {
        assertThat(((RewardResult.Score) results.get(i)).value())
            .as("rollout %d", i)
            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
      }
    } finally {
      ((AutoCloseable) reward).close();
    }
  }

  @Test
  void trainingFromLabelledJsonlWritesTheModelItsCardAndMetrics() {
    Path data = dir.resolve("labelled.jsonl");
    java.util.List<LabelledSample> many = new java.util.ArrayList<>();
    for (int copy = 0; copy < 4; copy++) {
      for (LabelledSample s : TinyRewardModels.samples()) {
        many.add(new LabelledSample(s.prompt(), s.completion(), s.label(), s.group() + copy));
      }
    }
    LabelledSample.write(data, many);
    TrainingOptions options =
        new TrainingOptions(
            "tiny", dir, data, null, 0.5, 32, 1, 8, 3, 60, 1e-3, 5, DeviceChoice.CPU, "cmd here");
    RewardModelTraining.Report report = RewardModelTraining.run(options, line -> {});
    assertThat(report.steps()).isEqualTo(3);
    assertThat(report.trainSamples() + report.heldoutSamples()).isEqualTo(many.size());
    Path out = dir.resolve("tiny");
    assertThat(out.resolve("model.ckpt")).exists();
    assertThat(out.resolve(ModelCard.METRICS_FILE)).exists();
    assertThat(out.resolve(ModelCard.FILE_NAME)).content().contains("cmd here", "AUC", "held-out");
    try (RewardModel loaded = RewardModel.load(out, DeviceChoice.CPU)) {
      assertThat(loaded.score(prompts(), completions())).hasSize(6);
    }
    assertThat(Files.exists(out.resolve("data"))).isFalse(); // given data is not copied
  }
}
