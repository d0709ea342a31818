package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.hf.HfConfig;
import io.tributary.hf.RandomCheckpoint;
import io.tributary.json.Json;
import io.tributary.model.ModelConfig;
import io.tributary.model.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's whole code path at toy size: which figures its JSON line carries. */
class ModelBenchmarkTest {
  private static final ModelConfig TOY_MOE =
      ModelConfig.builder()
          .vocabSize(64)
          .dim(32)
          .layers(2)
          .heads(2)
          .routedExperts(4)
          .topK(2)
          .expertHidden(16)
          .denseHidden(32)
          .maxSeqLen(64)
          .build();

  private static final ModelConfig TOY_DENSE = TOY_MOE.toBuilder().denseLayers(2).build();

  /** Small everything; a training run of trainSteps when above 0. */
  private static ModelBenchmark.Settings toy(boolean smallModelSuite, int trainSteps) {
    return new ModelBenchmark.Settings(
        4,
        12,
        trainSteps,
        4,
        6,
        6,
        1,
        smallModelSuite,
        16,
        4,
        6,
        4,
        1,
        16,
        1L << 20,
        Precision.FLOAT32);
  }

  private static final List<String> ALWAYS =
      List.of(
          "model_source",
          "device",
          "params_total",
          "params_active",
          "dtype",
          "prefill_tokens_per_s",
          "decode_tokens_per_s_batch1",
          "decode_tokens_per_s_batch4",
          "train_step_shape",
          "train_step_seconds",
          "train_step_peak_rss_mb",
          "train_step_within_24gib",
          "peak_gflops",
          "bandwidth_scale_gb_per_s",
          "bandwidth_add_gb_per_s",
          "bandwidth_read_gb_per_s",
          "bandwidth_gb_per_s",
          "matvec_gb_per_s",
          "matvec_float16_gb_per_s",
          "decode_weight_bytes_per_step",
          "decode_gb_per_s_batch1",
          "decode_bandwidth_efficiency",
          "decode_matvec_efficiency");

  @Test
  void theFullSuiteOnAnMoeModelReportsEveryFigureOnOneJsonLine() {
    JsonNode json = lastJsonLine(toy(true, 2), TOY_MOE);

    assertThat(json.fieldNames()).toIterable().containsAll(ALWAYS);
    assertThat(json.fieldNames())
        .toIterable()
        .contains(
            "gen_tokens_per_s_kv",
            "gen_tokens_per_s_nocache",
            "gen_kv_speedup",
            "moe_sparse_tokens_per_s",
            "moe_dense_tokens_per_s",
            "moe_sparse_speedup",
            "train_step_sparse_tokens_per_s",
            "train_step_dense_tokens_per_s",
            "rss_mb_step2",
            "train_loss_last",
            "train_tokens_per_s",
            "train_mfu",
            "matvec_java_gb_per_s",
            "decode_tokens_per_s_batch1_libtorch",
            "decode_gb_per_s_batch1_libtorch",
            "decode_tokens_per_s_batch1_java_products",
            "decode_gb_per_s_batch1_java_products");
    for (String rate :
        List.of(
            "prefill_tokens_per_s",
            "decode_tokens_per_s_batch1",
            "decode_tokens_per_s_batch4",
            "bandwidth_gb_per_s",
            "decode_bandwidth_efficiency",
            "train_step_peak_rss_mb")) {
      assertThat(json.get(rate).asDouble()).as(rate).isPositive();
    }
    assertThat(json.get("train_step_within_24gib").asBoolean()).isTrue();
  }

  @Test
  void aLargeModelRunLeavesTheSmallModelFiguresOutRatherThanReportingZero() {
    JsonNode json = lastJsonLine(toy(false, 0), TOY_DENSE);

    assertThat(json.fieldNames()).toIterable().containsAll(ALWAYS);
    assertThat(json.fieldNames())
        .toIterable()
        .doesNotContain(
            "gen_tokens_per_s_kv",
            "gen_kv_speedup",
            "moe_sparse_speedup",
            "train_step_sparse_tokens_per_s",
            "train_tokens_per_s",
            "train_mfu",
            "rss_mb_step100");
  }

  @Test
  void decodeEfficiencyIsTheWeightTrafficOfTheMeasuredRateOverTheMeasuredCeiling() {
    JsonNode json = lastJsonLine(toy(false, 0), TOY_DENSE);

    // each decode timing against the ceiling measured right after it; the median pair is reported
    double bytes = json.get("decode_weight_bytes_per_step").asDouble();
    double[] ratios = new double[ModelBenchmark.DECODE_PAIRS];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] =
          bytes
              * json.get("decode_tokens_per_s_batch1_pairs").get(i).asDouble()
              / (json.get("bandwidth_gb_per_s_pairs").get(i).asDouble() * 1e9);
      assertThat(json.get("decode_bandwidth_efficiency_pairs").get(i).asDouble())
          .isCloseTo(ratios[i], org.assertj.core.data.Percentage.withPercentage(1e-6));
    }
    java.util.Arrays.sort(ratios);
    assertThat(json.get("decode_bandwidth_efficiency").asDouble())
        .isCloseTo(
            ratios[ratios.length / 2], org.assertj.core.data.Percentage.withPercentage(1e-6));
    assertThat(json.get("decode_weight_bytes_per_step").asLong())
        .isEqualTo(DecodeTraffic.weightBytesPerStep(TOY_DENSE));
  }

  @Test
  void aGeneratedCheckpointIsWrittenLoadedTimedAndDeleted(@TempDir Path parent) throws Exception {
    // the Qwen3-0.6B config.json at toy size: GQA, q/k norm, head_dim apart, tied embeddings
    ObjectNode config = (ObjectNode) Json.mapper().readTree(RandomCheckpoint.QWEN3_0_6B_CONFIG);
    config.put("vocab_size", 96).put("hidden_size", 32).put("intermediate_size", 64);
    config.put("num_hidden_layers", 2).put("num_attention_heads", 4);
    config.put("num_key_value_heads", 2).put("head_dim", 16).put("max_position_embeddings", 128);
    PolicySource source =
        new PolicySource.GeneratedCheckpoint(
            HfConfig.parse(config.toString(), "toy Qwen3"), parent, "a toy Qwen3");

    JsonNode json = lastJsonLine(toy(false, 0), source);

    assertThat(json.fieldNames()).toIterable().containsAll(ALWAYS);
    assertThat(json.fieldNames())
        .toIterable()
        .contains(
            "generate_seconds",
            "checkpoint_mb",
            "load_seconds",
            "model_mb",
            "load_rss_before_mb",
            "load_peak_rss_mb",
            "load_rss_after_mb",
            "load_peak_over_model");
    // 2 layers of (attention 32·64·2 + 32·32·2, q/k norms 2·16, FFN 3·32·64, norms 2·32),
    // the tied 96·32 table and the final norm, in float32
    long parameters = 2 * (4096 + 2048 + 32 + 6144 + 64) + 96 * 32 + 32;
    assertThat(json.get("params_total").asLong()).isEqualTo(parameters);
    assertThat(json.get("model_mb").asDouble()).isEqualTo(parameters * 4 / (1024.0 * 1024));
    assertThat(json.get("load_peak_rss_mb").asDouble())
        .isGreaterThanOrEqualTo(json.get("load_rss_before_mb").asDouble());
    try (Stream<Path> left = Files.list(parent)) {
      assertThat(left).as("the generated checkpoint is deleted").isEmpty();
    }
  }

  @Test
  void aFloat16PolicyIsTimedWithHalfTheWeightBytesAndNoTrainingStep(@TempDir Path parent)
      throws Exception {
    ObjectNode config = (ObjectNode) Json.mapper().readTree(RandomCheckpoint.QWEN3_0_6B_CONFIG);
    config.put("vocab_size", 96).put("hidden_size", 32).put("intermediate_size", 64);
    config.put("num_hidden_layers", 2).put("num_attention_heads", 4);
    config.put("num_key_value_heads", 2).put("head_dim", 16).put("max_position_embeddings", 128);
    PolicySource source =
        new PolicySource.GeneratedCheckpoint(
            HfConfig.parse(config.toString(), "toy Qwen3"), parent, "a toy Qwen3");

    JsonNode json = lastJsonLine(toy(false, 0).withPrecision(Precision.FLOAT16), source);

    assertThat(json.get("dtype").asText()).isEqualTo("float16");
    // the same toy as above: every matrix at 2 bytes, the norms (2·(2·16 + 2·32) + 32) at 4
    long norms = 2 * (32 + 64) + 32;
    long matrices = 2 * (4096 + 2048 + 6144) + 96 * 32;
    assertThat(json.get("model_mb").asDouble())
        .isEqualTo((matrices * 2 + norms * 4) / (1024.0 * 1024));
    assertThat(json.get("decode_weight_bytes_per_step").asLong()).isEqualTo((matrices + norms) * 2);
    assertThat(json.get("decode_bandwidth_efficiency").asDouble()).isPositive();
    assertThat(json.has("train_step_seconds")).as("training is float32 only").isFalse();
  }

  private static JsonNode lastJsonLine(ModelBenchmark.Settings settings, ModelConfig config) {
    return lastJsonLine(settings, new PolicySource.FromConfig(config, "toy"));
  }

  private static JsonNode lastJsonLine(ModelBenchmark.Settings settings, PolicySource source) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelBenchmark.run(source, settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    try {
      return Json.mapper().readTree(lines[lines.length - 1]);
    } catch (java.io.IOException e) {
      throw new AssertionError("the last line is not JSON: " + lines[lines.length - 1], e);
    }
  }
}
