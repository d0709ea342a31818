package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {
  @TempDir Path dir;

  /** Six 64-byte F32 tensors (16 values each) in state-dict order. */
  private static List<OutputTensor> sixTensors() {
    List<OutputTensor> tensors = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      float[] values = new float[16];
      for (int j = 0; j < values.length; j++) {
        values[j] = i * 100 + j;
      }
      tensors.add(
          OutputTensor.of(
              "model.layers." + i + ".w", SafetensorsDtype.F32, new long[] {4, 4}, values));
    }
    return tensors;
  }

  private Path writeSharded(long limit) {
    Path out = dir.resolve("model");
    HfCheckpointWriter.write(
        out, HfConfig.parse(HfConfigTest.QWEN3, "config.json"), sixTensors(), limit);
    return out;
  }

  @Test
  void belowTheLimitOneModelSafetensorsAndNoIndex() throws Exception {
    Path out = writeSharded(1 << 20);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("config.json", "model.safetensors");
    }
    try (HfCheckpoint checkpoint = HfCheckpoint.open(out)) {
      assertThat(checkpoint.files()).hasSize(1);
      assertThat(checkpoint.tensorNames()).hasSize(6);
      assertThat(checkpoint.tensor("model.layers.5.w").readFloats()[3]).isEqualTo(503f);
    }
  }

  @Test
  void beyondTheLimitNumberedShardsAndAnIndexAsTransformersWritesThem() throws Exception {
    Path out = writeSharded(150); // two 64-byte tensors fit, a third does not
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly(
              "config.json",
              "model-00001-of-00003.safetensors",
              "model-00002-of-00003.safetensors",
              "model-00003-of-00003.safetensors",
              "model.safetensors.index.json");
    }
    String indexText = Files.readString(out.resolve("model.safetensors.index.json"));
    JsonNode index = new ObjectMapper().readTree(indexText);
    assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(6 * 64);
    assertThat(index.get("weight_map").get("model.layers.0.w").asText())
        .isEqualTo("model-00001-of-00003.safetensors");
    assertThat(index.get("weight_map").get("model.layers.3.w").asText())
        .isEqualTo("model-00002-of-00003.safetensors");
    assertThat(index.get("weight_map").get("model.layers.5.w").asText())
        .isEqualTo("model-00003-of-00003.safetensors");
    List<String> keys = new ArrayList<>();
    index.get("weight_map").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isSorted();
    assertThat(indexText)
        .startsWith("{\n  \"metadata\": {\n    \"total_size\": 384\n  },")
        .endsWith("}\n");

    // every shard stands alone by the format's rules
    for (int shard = 1; shard <= 3; shard++) {
      var parsed =
          IndependentSafetensorsParser.parse(
              out.resolve("model-0000" + shard + "-of-00003.safetensors"));
      assertThat(parsed.tensors()).hasSize(2);
      assertThat(parsed.header().get("__metadata__").get("format").asText()).isEqualTo("pt");
    }

    try (HfCheckpoint checkpoint = HfCheckpoint.open(out)) {
      assertThat(checkpoint.files()).hasSize(3);
      assertThat(checkpoint.config().modelType()).isEqualTo(HfModelType.QWEN3);
      assertThat(checkpoint.tensorNames()).hasSize(6);
      assertThat(checkpoint.storedParameterCount()).isEqualTo(96);
      for (OutputTensor written : sixTensors()) {
        StoredTensor read = checkpoint.tensor(written.name());
        assertThat(read.shapeArray()).containsExactly(4L, 4L);
        assertThat(read.readFloats()).containsExactly(written.values().get());
      }
    }
  }

  @Test
  void aTensorLargerThanTheLimitGetsAShardOfItsOwn() {
    List<OutputTensor> tensors = sixTensors();
    List<List<OutputTensor>> plan = HfCheckpointWriter.plan(tensors, 10);
    assertThat(plan).hasSize(6).allSatisfy(shard -> assertThat(shard).hasSize(1));
    assertThat(HfCheckpointWriter.plan(tensors, 64 * 6)).hasSize(1);
    assertThat(HfCheckpointWriter.plan(tensors, 64 * 6 - 1)).hasSize(2);
  }

  @Test
  void theConfigIsWrittenBackWithSortedKeysLikeTransformers() throws Exception {
    Path out = writeSharded(1 << 20);
    String text = Files.readString(out.resolve("config.json"));
    assertThat(text).startsWith("{\n  \"architectures\": [\n    \"Qwen3ForCausalLM\"\n  ],");
    assertThat(HfConfig.read(out)).isEqualTo(HfConfig.parse(HfConfigTest.QWEN3, "config.json"));
  }

  @Test
  void aDirectoryHoldingWeightsAlreadyIsRefused() {
    Path out = writeSharded(1 << 20);
    assertThatThrownBy(() -> writeSharded(150))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("already holds model weights [model.safetensors]");
    assertThat(out.resolve("model.safetensors")).exists();
  }

  @Test
  void tokenizerFilesAreCopiedWhenPresent() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.writeString(source.resolve("tokenizer.json"), "{}");
    Files.writeString(source.resolve("generation_config.json"), "{}");
    List<Path> copied = HfCheckpointWriter.copyTokenizerFiles(source, dir.resolve("dst"));
    assertThat(copied)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("tokenizer.json", "generation_config.json");
  }

  // --- a broken directory is refused whole, naming the file and the tensor ---

  @Test
  void tensorsThatDoNotFitConfigJsonAreAllNamedBeforeAnyIsRead() {
    HfConfig config = HfConfig.parse(HfConfigTest.QWEN3, "config.json"); // tied embeddings
    List<OutputTensor> tensors = new ArrayList<>();
    HfTensorLayout.of(config)
        .forEach(
            (name, shape) -> {
              if (name.equals("model.layers.1.mlp.up_proj.weight")) {
                return; // missing
              }
              List<Long> stored =
                  name.equals("model.layers.0.self_attn.k_proj.weight") ? List.of(16L, 32L) : shape;
              long[] dims = stored.stream().mapToLong(Long::longValue).toArray();
              long n = stored.stream().reduce(1L, (a, b) -> a * b);
              tensors.add(OutputTensor.of(name, SafetensorsDtype.BF16, dims, new float[(int) n]));
            });
    tensors.add(
        OutputTensor.of(
            "model.layers.0.mlp.extra.weight",
            SafetensorsDtype.BF16,
            new long[] {2},
            new float[2]));
    tensors.add(
        OutputTensor.of(
            "lm_head.weight", SafetensorsDtype.BF16, new long[] {128, 32}, new float[128 * 32]));
    Path out = dir.resolve("misfit");
    HfCheckpointWriter.write(out, config, tensors, 1 << 20);
    try (HfCheckpoint checkpoint = HfCheckpoint.open(out)) {
      assertThatThrownBy(checkpoint::checkTensors)
          .isInstanceOf(HfFormatException.class)
          .hasMessageContaining("3 tensor(s) do not fit config.json")
          .hasMessageContaining("tensor 'model.layers.1.mlp.up_proj.weight' [64, 32] is missing")
          .hasMessageContaining(
              "model.safetensors: tensor 'model.layers.0.self_attn.k_proj.weight' has shape [16, 32], config.json requires [32, 32]")
          .hasMessageContaining(
              "model.safetensors: tensor 'model.layers.0.mlp.extra.weight' is unexpected")
          .message()
          .doesNotContain("lm_head");
    }
  }

  @Test
  void aMissingShardIsNamed() throws Exception {
    Path out = writeSharded(150);
    Files.delete(out.resolve("model-00002-of-00003.safetensors"));
    assertThatThrownBy(() -> HfCheckpoint.open(out))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("model.safetensors.index.json")
        .hasMessageContaining("shard model-00002-of-00003.safetensors is missing");
  }

  @Test
  void aTensorTheIndexNamesButTheShardLacksIsNamed() throws Exception {
    Path out = writeSharded(150);
    Path index = out.resolve("model.safetensors.index.json");
    Files.writeString(
        index,
        Files.readString(index)
            .replace(
                "\"weight_map\": {",
                "\"weight_map\": {\n    \"lm_head.weight\": \"model-00001-of-00003.safetensors\","));
    assertThatThrownBy(() -> HfCheckpoint.open(out))
        .hasMessageContaining(
            "tensor 'lm_head.weight' is mapped to model-00001-of-00003.safetensors, which lacks it");
  }

  @Test
  void aTensorInAShardTheIndexDoesNotNameIsNamed() throws Exception {
    Path out = writeSharded(150);
    Path index = out.resolve("model.safetensors.index.json");
    Files.writeString(
        index,
        Files.readString(index)
            .replace("\"model.layers.1.w\": \"model-00001-of-00003.safetensors\",", ""));
    assertThatThrownBy(() -> HfCheckpoint.open(out))
        .hasMessageContaining(
            "model-00001-of-00003.safetensors: tensor 'model.layers.1.w' is not named in");
  }

  @Test
  void aTensorInTwoShardsIsNamedWithBothFiles() throws Exception {
    Path out = writeSharded(150);
    // shard 3 rewritten to hold layer 0 again beside its own layers 4 and 5
    Path third = out.resolve("model-00003-of-00003.safetensors");
    Files.delete(third);
    SafetensorsWriter.write(
        third, List.of(sixTensors().get(0), sixTensors().get(4), sixTensors().get(5)));
    assertThatThrownBy(() -> HfCheckpoint.open(out))
        .hasMessageContaining(
            "tensor 'model.layers.0.w' is in both model-00001-of-00003.safetensors and model-00003-of-00003.safetensors");
  }

  @Test
  void aDirectoryWithoutWeightsOrConfigIsRefused() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> HfCheckpoint.open(empty))
        .hasMessageContaining("config.json")
        .hasMessageContaining("missing");
    Files.writeString(empty.resolve("config.json"), HfConfigTest.QWEN3);
    assertThatThrownBy(() -> HfCheckpoint.open(empty))
        .hasMessageContaining("neither model.safetensors nor model.safetensors.index.json");
    assertThatThrownBy(() -> HfCheckpoint.open(dir.resolve("nowhere")))
        .hasMessageContaining("not a directory");
  }

  @Test
  void aCorruptShardFailsTheWholeOpen() throws Exception {
    Path out = writeSharded(150);
    Path second = out.resolve("model-00002-of-00003.safetensors");
    byte[] bytes = Files.readAllBytes(second);
    Files.write(second, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> HfCheckpoint.open(out))
        .hasMessageContaining("model-00002-of-00003.safetensors: truncated");
  }
}
