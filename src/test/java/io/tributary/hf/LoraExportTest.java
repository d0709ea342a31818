package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.LoraConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA policies of imported models out to Hugging Face (merged) and PEFT layouts, and back. */
class LoraExportTest {
  private static final Path QWEN3 = HfParityTest.FIXTURES.resolve("qwen3");
  private static final Path QWEN3_MOE = HfParityTest.FIXTURES.resolve("qwen3_moe");
  private static final Path DEEPSEEK_V3 = HfParityTest.FIXTURES.resolve("deepseek_v3");
  private static final List<String> LATENT_ATTENTION =
      List.of("q_a_proj", "q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj");
  private static final int[][] TOKENS = {{1, 7, 30, 41, 2, 9, 17}, {3, 3, 50, 8, 11, 6, 90}};

  @TempDir Path dir;

  private static float[] logits(PolicyModel model) {
    try (NDManager step = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled()) {
      return model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
    }
  }

  private static double worstDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  private static PolicyModel adapted(Path base, List<String> targets) {
    PolicyModel model = HfImport.load(base);
    model.attachAdapters(new LoraConfig(4, 8.0, 0.05, targets, 1L));
    // the size of a trained update, not of a random matrix: float32 merging then stays within 1e-5
    TinyModels.randomizeAdapters(model, 2, 0.1);
    return model;
  }

  @Test
  void aMergedExportComputesTheAdaptedModelsLogits() {
    Path out = dir.resolve("merged");
    try (PolicyModel model = adapted(QWEN3, List.of("all"))) {
      float[] expected = logits(model);
      try (PolicyModel base = HfImport.load(QWEN3)) {
        assertThat(worstDifference(logits(base), expected)).isGreaterThan(1e-2);
      }
      model.adapters().merge();
      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel merged = HfImport.load(out)) {
        assertThat(merged.adapters()).isNull();
        assertThat(worstDifference(logits(merged), expected)).isLessThan(1e-5);
      }
    }
  }

  @Test
  void aPeftExportHasPeftsFileNamesConfigAndTensorNames() throws Exception {
    Path out = dir.resolve("peft");
    try (PolicyModel model = adapted(QWEN3, List.of("q_proj", "v_proj"))) {
      PeftAdapters.write(model, "Qwen/Qwen3-0.6B", out);
    }
    JsonNode config = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
    assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(config.get("r").asInt()).isEqualTo(4);
    assertThat(config.get("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(config.get("lora_alpha").asInt()).isEqualTo(8);
    assertThat(config.get("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(config.get("base_model_name_or_path").asText()).isEqualTo("Qwen/Qwen3-0.6B");
    assertThat(config.get("target_modules"))
        .extracting(JsonNode::asText)
        .containsExactly("q_proj", "v_proj");
    try (SafetensorsFile weights = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
      assertThat(weights.tensorNames())
          .contains(
              "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
              "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
              "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
          .allMatch(n -> n.contains("q_proj") || n.contains("v_proj"));
      StoredTensor a =
          weights.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
      StoredTensor b =
          weights.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
      assertThat(a.shapeArray()[0]).isEqualTo(4);
      assertThat(b.shapeArray()[1]).isEqualTo(4);
    }
  }

  @Test
  void aPeftExportOfSomeLayersNamesTheirFullModulePaths() throws Exception {
    Path out = dir.resolve("peft");
    try (PolicyModel model = adapted(QWEN3, List.of("layer1_attention_wq"))) {
      PeftAdapters.write(model, null, out);
    }
    JsonNode config = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
    assertThat(config.get("target_modules"))
        .extracting(JsonNode::asText)
        .containsExactly("model.layers.1.self_attn.q_proj");
  }

  @Test
  void aPeftExportReimportedOverTheBaseEqualsTheAdaptedModel() {
    assertPeftRoundTrip(QWEN3, List.of("all"));
  }

  @Test
  void expertProjectionsRoundTripThroughPeftToo() {
    assertPeftRoundTrip(QWEN3_MOE, List.of("experts", "attention"));
  }

  @Test
  void latentAttentionProjectionsRoundTripThroughPeftUnderDeepSeekV3sModuleNames()
      throws Exception {
    assertPeftRoundTrip(DEEPSEEK_V3, LATENT_ATTENTION);
    JsonNode config = new ObjectMapper().readTree(dir.resolve("peft/adapter_config.json").toFile());
    assertThat(config.get("target_modules"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(LATENT_ATTENTION);
    try (SafetensorsFile weights =
        SafetensorsFile.open(dir.resolve("peft/adapter_model.safetensors"))) {
      assertThat(weights.tensorNames())
          .contains(
              "base_model.model.model.layers.0.self_attn.q_a_proj.lora_A.weight",
              "base_model.model.model.layers.0.self_attn.q_b_proj.lora_B.weight",
              "base_model.model.model.layers.1.self_attn.kv_a_proj_with_mqa.lora_A.weight",
              "base_model.model.model.layers.2.self_attn.kv_b_proj.lora_B.weight",
              "base_model.model.model.layers.2.self_attn.o_proj.lora_A.weight");
    }
  }

  @Test
  void aMergedExportOfLatentAttentionAdaptersComputesTheAdaptedModelsLogits() {
    Path out = dir.resolve("merged");
    try (PolicyModel model = adapted(DEEPSEEK_V3, LATENT_ATTENTION)) {
      float[] expected = logits(model);
      try (PolicyModel base = HfImport.load(DEEPSEEK_V3)) {
        assertThat(worstDifference(logits(base), expected)).isGreaterThan(1e-3);
      }
      model.adapters().merge();
      HfExport.write(model, null, out, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel merged = HfImport.load(out)) {
        assertThat(worstDifference(logits(merged), expected)).isLessThan(1e-5);
      }
    }
  }

  private void assertPeftRoundTrip(Path fixture, List<String> targets) {
    Path out = dir.resolve("peft");
    float[] expected;
    int sites;
    try (PolicyModel model = adapted(fixture, targets)) {
      expected = logits(model);
      sites = model.adapters().sites().size();
      PeftAdapters.write(model, fixture.toString(), out);
    }
    try (PolicyModel base = HfImport.load(fixture)) {
      PeftAdapters.load(out, base);
      assertThat(base.adapters().sites()).hasSize(sites);
      assertThat(base.adapters().config().rank()).isEqualTo(4);
      assertThat(base.adapters().config().scale()).isEqualTo(2.0);
      assertThat(logits(base)).containsExactly(expected);
    }
  }

  @Test
  void exportMergesOrWritesPeftFromAnAdapterCheckpointOverItsHuggingFaceBase() throws Exception {
    Path checkpoint = dir.resolve("adapters.ckpt");
    float[] expected;
    try (PolicyModel model = adapted(QWEN3, List.of("all"))) {
      expected = logits(model);
      Checkpoint.saveAdapters(
          checkpoint, model, QWEN3.toString(), new CharTokenizer().spec(), 2, 20, Map.of());
    }
    HfCommandsTest.run(
        "export", "--policy", checkpoint.toString(), "--out", dir.resolve("merged").toString());
    try (PolicyModel merged = HfImport.load(dir.resolve("merged"))) {
      assertThat(worstDifference(logits(merged), expected)).isLessThan(1e-5);
    }
    HfCommandsTest.run(
        "export",
        "--peft",
        "--policy",
        checkpoint.toString(),
        "--out",
        dir.resolve("peft").toString());
    try (PolicyModel base = HfImport.load(QWEN3)) {
      PeftAdapters.load(dir.resolve("peft"), base);
      assertThat(logits(base)).containsExactly(expected);
    }
    try (PolicyModel loaded =
        LoraPolicies.load(Checkpoint.read(checkpoint), null, DeviceChoice.CPU)) {
      assertThat(logits(loaded)).containsExactly(expected);
    }
  }

  @Test
  void anAdapterCheckpointOfTheQwen3FixtureIsAFractionOfAFullOne() throws Exception {
    Path adapters = dir.resolve("adapters.ckpt");
    Path full = dir.resolve("full.ckpt");
    try (PolicyModel model = adapted(QWEN3, List.of("attention"))) {
      Checkpoint.saveAdapters(
          adapters, model, QWEN3.toString(), new CharTokenizer().spec(), 1, 1, Map.of());
      model.adapters().merge();
      Checkpoint.save(full, model, new CharTokenizer().spec(), 1, 1, Map.of());
    }
    assertThat(Files.size(adapters)).isLessThan(Files.size(full) / 4);
  }

  @Test
  void aPeftAdapterOfAnotherKindOrWithDoraIsRefusedNamingTheKey() throws Exception {
    Path out = dir.resolve("peft");
    try (PolicyModel model = adapted(QWEN3, List.of("q_proj"))) {
      PeftAdapters.write(model, null, out);
    }
    Path config = out.resolve(PeftAdapters.CONFIG_FILE);
    String lora = Files.readString(config);
    Files.writeString(config, lora.replace("\"use_dora\" : false", "\"use_dora\" : true"));
    try (PolicyModel base = HfImport.load(QWEN3)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeftAdapters.load(out, base))
          .isInstanceOf(HfFormatException.class)
          .hasMessageContaining("use_dora");
      assertThat(base.adapters()).isNull();
    }
    Files.writeString(config, lora.replace("\"LORA\"", "\"IA3\""));
    try (PolicyModel base = HfImport.load(QWEN3)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeftAdapters.load(out, base))
          .hasMessageContaining("peft_type IA3, expected LORA");
    }
  }
}
