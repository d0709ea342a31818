package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model directories transformers wrote for the parity fixtures (src/test/resources/hf), one per
 * architecture: each opens whole, its config describes exactly the tensors it stores, and importing
 * then exporting it reproduces every tensor bit for bit.
 */
class HfFixtureDirectoriesTest {
  @TempDir Path out;

  private static Path fixture(String modelType) {
    return Path.of("src/test/resources/hf", modelType);
  }

  @ParameterizedTest
  @CsvSource({
    "llama, 2, BF16",
    "qwen2, 1, F16",
    "qwen3, 1, F32",
    "qwen3_moe, 1, F32",
    "mixtral, 1, F32",
    "deepseek_v3, 1, F32"
  })
  void opensWholeAndItsConfigCountsTheStoredParameters(
      String modelType, int files, SafetensorsDtype dtype) {
    try (HfCheckpoint checkpoint = HfCheckpoint.open(fixture(modelType))) {
      HfConfig config = checkpoint.config();
      assertThat(config.modelType().configName()).isEqualTo(modelType);
      assertThat(checkpoint.files()).hasSize(files);
      assertThat(checkpoint.storedDtypes()).containsOnlyKeys(dtype);
      assertThat(config.storedDtype()).isEqualTo(dtype);
      assertThat(checkpoint.tokenizerJson()).isPresent();
      // DeepSeek-V3 stores each MoE router's e_score_correction_bias, which is not counted
      long selectionBiases =
          config.moe() != null && config.moe().selectionBias()
              ? (long) config.moeLayerCount() * config.moe().numExperts()
              : 0;
      assertThat(config.parameterCounts().total() + selectionBiases)
          .isEqualTo(checkpoint.storedParameterCount());
      assertThat(checkpoint.contains("lm_head.weight")).isNotEqualTo(config.tieWordEmbeddings());
    }
  }

  @ParameterizedTest
  @CsvSource({"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void holdsExactlyTheTensorsItsConfigDescribesNamedAndShapedAsTransformersMakesThem(
      String modelType) {
    try (HfCheckpoint checkpoint = HfCheckpoint.open(fixture(modelType))) {
      Map<String, List<Long>> layout = HfTensorLayout.of(checkpoint.config());
      assertThat(checkpoint.tensorNames()).containsExactlyInAnyOrderElementsOf(layout.keySet());
      for (String name : layout.keySet()) {
        assertThat(checkpoint.tensor(name).shape()).as(name).isEqualTo(layout.get(name));
      }
      assertThat(checkpoint.checkTensors()).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void importThenExportIsBitExactForEveryTensor(String modelType) {
    Path exported = out.resolve(modelType);
    try (HfCheckpoint source = HfCheckpoint.open(fixture(modelType))) {
      List<OutputTensor> tensors = new ArrayList<>();
      for (StoredTensor tensor : source.tensors()) {
        float[] values = tensor.readFloats(); // what a loader puts into a float32 model
        tensors.add(OutputTensor.of(tensor.name(), tensor.dtype(), tensor.shapeArray(), values));
      }
      HfCheckpointWriter.write(exported, source.config(), tensors, 100_000);
      HfCheckpointWriter.copyTokenizerFiles(source.directory(), exported);
      try (HfCheckpoint copy = HfCheckpoint.open(exported)) {
        assertThat(copy.config()).isEqualTo(source.config());
        assertThat(copy.tensorNames()).containsExactlyInAnyOrderElementsOf(source.tensorNames());
        assertThat(copy.tokenizerFiles()).hasSameSizeAs(source.tokenizerFiles());
        for (StoredTensor original : source.tensors()) {
          StoredTensor again = copy.tensor(original.name());
          assertThat(again.dtype()).isEqualTo(original.dtype());
          assertThat(again.shape()).isEqualTo(original.shape());
          assertThat(rawBytes(again)).as(original.name()).isEqualTo(rawBytes(original));
        }
      }
    }
  }

  private static byte[] rawBytes(StoredTensor tensor) {
    ByteBuffer bytes = ByteBuffer.allocate((int) tensor.byteSize());
    tensor.readBytes(bytes);
    return bytes.array();
  }
}
