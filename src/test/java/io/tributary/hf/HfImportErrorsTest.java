package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.model.PolicyModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory whose weights do not fit its config.json is refused, file and tensor named. */
class HfImportErrorsTest {
  @TempDir Path dir;

  Path copyOf(String family) throws Exception {
    Path target = dir.resolve(family);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(HfParityTest.FIXTURES.resolve(family))) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  @Test
  void aMissingAndAnUnexpectedTensorAreBothNamed() throws Exception {
    Path model = copyOf("qwen3");
    Path weights = model.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    // rename in place (same length, so every offset stays valid)
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"model.norm.weight\"");
    byte[] renamed = "\"model.nurm.weight\"".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(renamed, 0, bytes, at, renamed.length);
    Files.write(weights, bytes);
    assertThatThrownBy(() -> HfImport.load(model))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining(model.toString())
        .hasMessageContaining("tensor 'model.norm.weight' [64] is missing")
        .hasMessageContaining("tensor 'model.nurm.weight' is unexpected");
  }

  @Test
  void aShapeThatDoesNotFitConfigJsonNamesTheFileTheTensorAndBothShapes() throws Exception {
    Path model = copyOf("llama");
    Path config = model.resolve("config.json");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("\"intermediate_size\": 128", "\"intermediate_size\": 96"));
    assertThatThrownBy(() -> HfImport.load(model))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("model-0000")
        .hasMessageContaining("mlp.")
        .hasMessageContaining("[128, 64]")
        .hasMessageContaining("[96, 64]");
  }

  @Test
  void aTruncatedShardIsRefusedBeforeAnyModelIsBuilt() throws Exception {
    Path model = copyOf("llama");
    Path shard = model.resolve("model-00002-of-00002.safetensors");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> HfImport.load(model))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors");
  }

  @Test
  void deepSeekMultiTokenPredictionLayersAreSkippedOnLoadAsTransformersSkipsThem()
      throws Exception {
    Path model = copyOf("deepseek_v3");
    Path weights = model.resolve("model.safetensors");
    List<OutputTensor> tensors = new ArrayList<>();
    try (HfCheckpoint checkpoint = HfCheckpoint.open(model)) {
      for (StoredTensor t : checkpoint.tensors()) {
        tensors.add(OutputTensor.of(t.name(), t.dtype(), t.shapeArray(), t.readFloats()));
      }
    }
    // DeepSeek-V3 publishes its MTP module as the layer after the last decoder layer (61 of 61)
    int layers = HfConfig.read(model).numHiddenLayers();
    tensors.add(
        OutputTensor.of(
            "model.layers." + layers + ".enorm.weight",
            SafetensorsDtype.F32,
            new long[] {4},
            new float[] {1, 2, 3, 4}));
    Files.delete(weights);
    SafetensorsWriter.write(weights, tensors);

    try (PolicyModel imported = HfImport.load(model);
        PolicyModel reference = HfImport.load(HfParityTest.FIXTURES.resolve("deepseek_v3"))) {
      assertThat(imported.parameters()).hasSameSizeAs(reference.parameters());
    }
  }
}
