package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.model.DeviceChoice;
import io.tributary.model.ExpertLoad;
import io.tributary.model.PolicyModel;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the deepseek_v3 fixture adds to {@link HfParityTest} (logits, greedy continuation, latent KV
 * cache and left-padded batches are checked there for all six families): the imported model trains,
 * and its correction bias is the router's selection bias.
 */
class DeepSeekV3ParityTest {
  static final Path DIR = Path.of("src/test/resources/hf/deepseek_v3");
  @TempDir Path out;

  @Test
  void anSftStepOnTheImportedModelChangesEveryTrainableParameter() {
    try (PolicyModel model = HfImport.load(DIR, DeviceChoice.CPU, null)) {
      List<float[]> before = trainableValues(model);
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(1e-3, 10), 2);
      trainer.step(
          List.of(
              new SftExample(new int[] {0, 97, 18, 56, 13, 54}, new int[] {84, 70, 16, 1}),
              new SftExample(new int[] {0, 12, 44, 9}, new int[] {5, 9, 1})));
      List<float[]> after = trainableValues(model);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i))
            .as(model.trainableParameters().get(i).getKey())
            .isNotEqualTo(before.get(i));
      }
    }
  }

  @Test
  void theCorrectionBiasIsTheSelectionBiasWhichBalancingMovesAndExportWritesBack()
      throws Exception {
    float[] stored;
    try (SafetensorsFile file = SafetensorsFile.open(DIR.resolve("model.safetensors"))) {
      stored = file.readFloats(file.entry("model.layers.1.mlp.gate.e_score_correction_bias"));
    }
    try (PolicyModel model = HfImport.load(DIR, DeviceChoice.CPU, null)) {
      ExpertLoad start = model.expertLoad();
      assertThat(start.selectionBias()[0]).containsExactly(stored);
      model.updateRouterBiasesWithRate(0); // restart the counters only
      try (var step = model.manager().newSubManager()) {
        model.logits(
            step,
            new int[][] {{0, 97, 18, 56, 13, 54, 4, 77}},
            io.tributary.model.RoutingContext.training(null));
      }
      model.updateRouterBiases();
      float[] moved = model.expertLoad().selectionBias()[0];
      assertThat(moved).isNotEqualTo(stored);

      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel exported = HfImport.load(out, DeviceChoice.CPU, null)) {
        assertThat(exported.expertLoad().selectionBias()[0])
            .as("written back as e_score_correction_bias")
            .containsExactly(moved);
      }
    }
  }

  static List<float[]> trainableValues(PolicyModel model) {
    return model.trainableParameters().stream()
        .map(p -> p.getValue().getArray().toFloatArray())
        .toList();
  }
}
