package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.GradMode;
import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfRoundTripTest {
  static final Path FIXTURES = HfParityTest.FIXTURES;
  static final int[] TOKENS = {3, 17, 42, 99, 5, 150, 8, 64, 1, 77};

  @TempDir Path dir;

  /** Every tensor of {@code b} has the name, dtype, shape and bytes of the one in {@code a}. */
  static void assertSameTensors(Path a, Path b) {
    try (HfCheckpoint x = HfCheckpoint.open(a);
        HfCheckpoint y = HfCheckpoint.open(b)) {
      assertThat(y.tensorNames()).containsExactlyInAnyOrderElementsOf(x.tensorNames());
      for (String name : x.tensorNames()) {
        StoredTensor want = x.tensor(name);
        StoredTensor got = y.tensor(name);
        assertThat(got.dtype()).as(name).isEqualTo(want.dtype());
        assertThat(got.shapeArray()).as(name).containsExactly(want.shapeArray());
        assertThat(raw(got)).as("bytes of %s", name).isEqualTo(raw(want));
      }
    }
  }

  static byte[] raw(StoredTensor t) {
    ByteBuffer buffer = ByteBuffer.allocate((int) t.byteSize());
    t.readBytes(buffer);
    return buffer.array();
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void importThenExportIsBitExactForEveryTensorAndKeepsTheSmallFiles(String family)
      throws Exception {
    Path source = FIXTURES.resolve(family);
    Path out = dir.resolve(family);
    try (PolicyModel model = HfImport.load(source)) {
      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
    }
    assertSameTensors(source, out);
    for (String file : HfImport.KEPT_FILES) {
      if (Files.exists(source.resolve(file))) {
        assertThat(out.resolve(file)).as(file).hasSameTextualContentAs(source.resolve(file));
      }
    }
  }

  @Test
  void beyondTheShardLimitTheWeightsAreShardedWithAnIndexAndStillBitExact() throws Exception {
    Path source = FIXTURES.resolve("qwen3");
    Path out = dir.resolve("sharded");
    try (PolicyModel model = HfImport.load(source)) {
      HfExport.write(model, null, out, 200_000);
    }
    assertThat(out.resolve("model.safetensors")).doesNotExist();
    assertThat(out.resolve("model.safetensors.index.json")).exists();
    assertThat(Files.list(out).filter(p -> p.toString().endsWith(".safetensors")).count())
        .isGreaterThan(1);
    assertSameTensors(source, out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void exportThenImportReproducesTheLogitsExactly(String family) throws Exception {
    Path out = dir.resolve(family);
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family))) {
      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel reloaded = HfImport.load(out)) {
        assertThat(HfParityTest.logits(reloaded, TOKENS))
            .containsExactly(HfParityTest.logits(model, TOKENS));
      }
    }
  }

  @Test
  void trainedFloat32WeightsComeBackExactly() throws Exception {
    Path out = dir.resolve("trained");
    try (PolicyModel model = HfImport.load(FIXTURES.resolve("qwen3_moe"))) {
      perturb(model);
      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel reloaded = HfImport.load(out)) {
        assertThat(HfParityTest.logits(reloaded, TOKENS))
            .containsExactly(HfParityTest.logits(model, TOKENS));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void trainedWeightsAreRoundedOnceToTheStoredDtypeAndThenStayPut(String family) throws Exception {
    Path first = dir.resolve(family + "-1");
    Path second = dir.resolve(family + "-2");
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family))) {
      perturb(model);
      HfExport.write(model, null, first, HfExport.DEFAULT_SHARD_BYTES);
    }
    try (PolicyModel reloaded = HfImport.load(first)) {
      HfExport.write(reloaded, null, second, HfExport.DEFAULT_SHARD_BYTES);
    }
    assertSameTensors(first, second);
  }

  @Test
  void aTributaryCheckpointOfAnImportedModelKeepsWhatExportNeeds() throws Exception {
    Path source = FIXTURES.resolve("llama");
    Path checkpoint = dir.resolve("policy.ckpt");
    try (PolicyModel model = HfImport.load(source)) {
      Checkpoint.save(checkpoint, model, new CharTokenizer().spec(), 1, 1, Map.of());
    }
    Checkpoint read = Checkpoint.read(checkpoint);
    assertThat(read.header().modelConfig().huggingFace().modelType()).isEqualTo("llama");
    assertThat(read.header().modelConfig().huggingFace().dtype()).isEqualTo("BF16");
    try (PolicyModel restored = read.toModel(null)) {
      HfExport.write(restored, null, dir.resolve("out"), HfExport.DEFAULT_SHARD_BYTES);
    }
    assertSameTensors(source, dir.resolve("out"));
  }

  @Test
  void anMoeModelWhoseSelectionBiasMovedIsRefusedBecauseItsLayoutCannotHoldIt() {
    try (PolicyModel model = HfImport.load(FIXTURES.resolve("mixtral"))) {
      model.updateRouterBiasesWithRate(0);
      try (GradMode ignored = GradMode.disabled()) {
        for (Pair<String, Parameter> p : model.parameters()) {
          if (p.getKey().endsWith("selection_bias")) {
            float[] bias = p.getValue().getArray().toFloatArray();
            bias[1] = 0.01f;
            p.getValue().getArray().set(bias);
            break;
          }
        }
      }
      assertThatThrownBy(
              () -> HfExport.write(model, null, dir.resolve("x"), HfExport.DEFAULT_SHARD_BYTES))
          .hasMessageContaining("layer0_moe_router_selection_bias is not zero")
          .hasMessageContaining("mixtral")
          .hasMessageContaining("biasUpdateRate: 0");
    }
  }

  @Test
  void aPolicyTributaryCreatedHasNoHuggingFaceLayoutToExport() {
    try (PolicyModel model = PolicyModel.create(TinyModels.forCharTokenizer(), 1)) {
      assertThatThrownBy(
              () -> HfExport.write(model, null, dir.resolve("x"), HfExport.DEFAULT_SHARD_BYTES))
          .hasMessageContaining("not imported from a Hugging Face directory");
    }
  }

  static void perturb(PolicyModel model) {
    java.util.Random random = new java.util.Random(5);
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.trainableParameters()) {
        float[] v = p.getValue().getArray().toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (1e-3 * random.nextGaussian());
        }
        p.getValue().getArray().set(v);
      }
    }
  }
}
