package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.model.DeviceChoice;
import io.tributary.model.ExpertLoad;
import io.tributary.model.PolicyModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deepseek_v3 checkpoint's e_score_correction_bias is the router's selection bias: imported as
 * it is stored, moved by bias balancing after training, and written back by export. (Logits, greedy
 * continuation, the latent KV cache, left-padded batches, GRPO and SFT steps of the deepseek_v3
 * fixture are checked with the other families in HfParityTest and HfTrainingTest.)
 */
class DeepSeekV3CorrectionBiasTest {
  static final Path DIR = Path.of("src/test/resources/hf/deepseek_v3");
  @TempDir Path out;

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
}
