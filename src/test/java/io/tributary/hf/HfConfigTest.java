package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.ParameterCounts;
import io.tributary.model.ScoringFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {
  // tiny configs in the shape save_pretrained writes them, one per family

  static final String LLAMA =
      """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
       "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
       "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 256, "rms_norm_eps": 1e-05,
       "rope_theta": 500000.0, "max_position_embeddings": 512, "hidden_act": "silu",
       "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                        "original_max_position_embeddings": 64, "rope_type": "llama3"},
       "tie_word_embeddings": false, "attention_bias": false, "mlp_bias": false,
       "attention_dropout": 0.0, "pretraining_tp": 1, "torch_dtype": "bfloat16",
       "bos_token_id": 1, "eos_token_id": [2, 3], "use_cache": true}
      """;

  static final String QWEN2 =
      """
      {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 64,
       "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4,
       "num_key_value_heads": 2, "vocab_size": 200, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
       "max_position_embeddings": 256, "hidden_act": "silu", "use_sliding_window": false,
       "sliding_window": 4096, "max_window_layers": 28, "tie_word_embeddings": true,
       "attention_dropout": 0.0, "torch_dtype": "float16", "bos_token_id": 151643,
       "eos_token_id": 151645}
      """;

  static final String QWEN3 =
      """
      {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 32,
       "intermediate_size": 64, "num_hidden_layers": 3, "num_attention_heads": 4,
       "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 128, "rms_norm_eps": 1e-06,
       "rope_theta": 1000000, "rope_scaling": null, "max_position_embeddings": 128,
       "hidden_act": "silu", "attention_bias": false, "use_sliding_window": false,
       "sliding_window": null, "tie_word_embeddings": true, "dtype": "float32"}
      """;

  static final String QWEN3_MOE =
      """
      {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 32,
       "intermediate_size": 64, "moe_intermediate_size": 24, "num_hidden_layers": 2,
       "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8, "vocab_size": 128,
       "num_experts": 4, "num_experts_per_tok": 2, "norm_topk_prob": true,
       "decoder_sparse_step": 1, "mlp_only_layers": [], "rms_norm_eps": 1e-06,
       "rope_theta": 1000000.0, "max_position_embeddings": 128, "hidden_act": "silu",
       "tie_word_embeddings": false, "router_aux_loss_coef": 0.001, "torch_dtype": "float32"}
      """;

  static final String MIXTRAL =
      """
      {"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 32,
       "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
       "num_key_value_heads": 2, "vocab_size": 128, "num_local_experts": 4,
       "num_experts_per_tok": 2, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
       "max_position_embeddings": 256, "sliding_window": null, "hidden_act": "silu",
       "router_jitter_noise": 0.0, "tie_word_embeddings": false, "torch_dtype": "float32"}
      """;

  static final String DEEPSEEK_V3 =
      """
      {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "hidden_size": 64,
       "intermediate_size": 128, "moe_intermediate_size": 16, "num_hidden_layers": 3,
       "num_attention_heads": 4, "num_key_value_heads": 4, "vocab_size": 256,
       "n_routed_experts": 8, "n_shared_experts": 1, "num_experts_per_tok": 2, "n_group": 4,
       "topk_group": 2, "first_k_dense_replace": 1, "norm_topk_prob": true,
       "routed_scaling_factor": 2.5, "q_lora_rank": 24, "kv_lora_rank": 16,
       "qk_nope_head_dim": 16, "qk_rope_head_dim": 8, "v_head_dim": 16, "head_dim": 8,
       "rope_interleave": true, "rope_theta": 10000.0,
       "rope_scaling": {"type": "yarn", "factor": 40.0, "beta_fast": 32, "beta_slow": 1,
                        "mscale": 1.0, "mscale_all_dim": 1.0,
                        "original_max_position_embeddings": 64},
       "max_position_embeddings": 2560, "rms_norm_eps": 1e-06, "hidden_act": "silu",
       "attention_bias": false, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
       "bos_token_id": 0, "eos_token_id": 1}
      """;

  private static HfConfig parse(String json) {
    return HfConfig.parse(json, "config.json");
  }

  /** The family's tiny config with one key set (JSON text) or removed (null). */
  private static String with(String base, String key, String jsonValue) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(base);
      if (jsonValue == null) {
        node.remove(key);
      } else {
        JsonNode value = Json.mapper().readTree(jsonValue);
        node.set(key, value);
      }
      return node.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String refusal(String json) {
    return assertThatThrownBy(() -> parse(json))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("config.json")
        .actual()
        .getMessage();
  }

  @Test
  void llamaReadsGroupedQueryAttentionAndLlama3RopeScaling() {
    HfConfig c = parse(LLAMA);
    assertThat(c.modelType()).isEqualTo(HfModelType.LLAMA);
    assertThat(c.architectures()).containsExactly("LlamaForCausalLM");
    assertThat(c.numKeyValueHeads()).isEqualTo(2);
    assertThat(c.headDim()).isEqualTo(16);
    assertThat(c.ropeTheta()).isEqualTo(500000.0);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.ropeScaling())
        .isEqualTo(
            new HfRopeScaling(
                HfRopeScaling.Type.LLAMA3, 8.0, 1.0, 4.0, 64, null, null, null, null, null));
    assertThat(c.ropeInterleaved()).isFalse();
    assertThat(c.qkvBias()).isFalse();
    assertThat(c.qkNorm()).isFalse();
    assertThat(c.moe()).isNull();
    assertThat(c.mla()).isNull();
    assertThat(c.torchDtype()).isEqualTo("bfloat16");
    assertThat(c.storedDtype()).isEqualTo(SafetensorsDtype.BF16);
    assertThat(c.bosTokenId()).isEqualTo(1);
    assertThat(c.eosTokenIds()).containsExactly(2, 3);
  }

  @Test
  void llamaWithoutHeadDimOrKvHeadsTakesTheTransformersDefaults() {
    HfConfig c = parse(with(with(LLAMA, "head_dim", null), "num_key_value_heads", null));
    assertThat(c.headDim()).isEqualTo(16); // 64 / 4
    assertThat(c.numKeyValueHeads()).isEqualTo(4);
  }

  @Test
  void qwen2HasQkvBiasesButNoOutputBiasWithoutAnyKeySayingSo() {
    HfConfig c = parse(QWEN2);
    assertThat(c.qkvBias()).isTrue();
    assertThat(c.outputBias()).isFalse();
    assertThat(c.tieWordEmbeddings()).isTrue();
    assertThat(c.headDim()).isEqualTo(16);
    assertThat(c.storedDtype()).isEqualTo(SafetensorsDtype.F16);
    assertThat(c.eosTokenIds()).containsExactly(151645);
  }

  @Test
  void qwen3HasPerHeadQkNormAndAHeadDimOfItsOwn() {
    HfConfig c = parse(QWEN3);
    assertThat(c.qkNorm()).isTrue();
    assertThat(c.headDim()).isEqualTo(16); // not 32 / 4
    assertThat(c.ropeScaling()).isNull();
    assertThat(c.torchDtype()).isEqualTo("float32"); // "dtype", as newer transformers write it
    assertThat(c.bosTokenId()).isNull();
    assertThat(c.eosTokenIds()).isEmpty();
    assertThat(refusal(with(QWEN3, "head_dim", null))).contains("key 'head_dim' is missing");
  }

  @Test
  void qwen3MoeRoutesBySoftmaxTopKWithOptionalRenormalisation() {
    HfConfig c = parse(QWEN3_MOE);
    assertThat(c.moe())
        .isEqualTo(new HfMoe(4, 2, 24, 0, 0, true, ScoringFunction.SOFTMAX, false, 1, 1, 1.0, 0));
    assertThat(c.isMoeLayer(0)).isTrue();
    assertThat(c.moeLayerCount()).isEqualTo(2);
    assertThat(c.qkNorm()).isTrue();
    assertThat(parse(with(QWEN3_MOE, "norm_topk_prob", null)).moe().normTopkProb()).isFalse();
  }

  @Test
  void mixtralExpertsAreIntermediateSizeWideAndAlwaysRenormalised() {
    HfConfig c = parse(MIXTRAL);
    assertThat(c.moe())
        .isEqualTo(new HfMoe(4, 2, 48, 0, 0, true, ScoringFunction.SOFTMAX, false, 1, 1, 1.0, 0));
    assertThat(c.headDim()).isEqualTo(8);
    assertThat(c.qkvBias()).isFalse();
    assertThat(parse(with(MIXTRAL, "rope_theta", null)).ropeTheta()).isEqualTo(1e6);
  }

  @Test
  void deepSeekV3ReadsMlaYarnAndGroupLimitedSigmoidRouting() {
    HfConfig c = parse(DEEPSEEK_V3);
    assertThat(c.mla()).isEqualTo(new HfMla(24, 16, 16, 8, 16));
    assertThat(c.headDim()).isEqualTo(24); // nope + rope, not the head_dim key
    assertThat(c.moe())
        .isEqualTo(new HfMoe(8, 2, 16, 1, 16, true, ScoringFunction.SIGMOID, true, 4, 2, 2.5, 1));
    assertThat(c.isMoeLayer(0)).isFalse();
    assertThat(c.isMoeLayer(1)).isTrue();
    assertThat(c.denseLayerCount()).isEqualTo(1);
    assertThat(c.ropeInterleaved()).isTrue();
    assertThat(c.ropeScaling())
        .isEqualTo(
            new HfRopeScaling(
                HfRopeScaling.Type.YARN, 40.0, null, null, 64, 32.0, 1.0, 1.0, 1.0, null));
  }

  @Test
  void deepSeekV3WithoutQueryCompressionSaysSoWithNull() {
    assertThat(parse(with(DEEPSEEK_V3, "q_lora_rank", "null")).mla().qLoraRank()).isNull();
    assertThat(refusal(with(DEEPSEEK_V3, "q_lora_rank", null)))
        .contains("key 'q_lora_rank' is missing");
  }

  @Test
  void ropeParametersOfNewerTransformersAreReadLikeRopeScaling() {
    String newer =
        with(
            with(with(LLAMA, "rope_scaling", null), "rope_theta", null),
            "rope_parameters",
            """
            {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
             "high_freq_factor": 4.0, "original_max_position_embeddings": 64}
            """);
    HfConfig c = parse(newer);
    assertThat(c.ropeTheta()).isEqualTo(500000.0);
    assertThat(c.ropeScaling()).isEqualTo(parse(LLAMA).ropeScaling());
    HfConfig plain =
        parse(
            with(
                with(QWEN3, "rope_theta", null),
                "rope_parameters",
                "{\"rope_type\": \"default\", \"rope_theta\": 5000.0}"));
    assertThat(plain.ropeTheta()).isEqualTo(5000.0);
    assertThat(plain.ropeScaling()).isNull();
  }

  @Test
  void theFileAsReadIsKeptForExport() {
    HfConfig c = parse(QWEN3);
    assertThat(c.json().get("architectures").get(0).asText()).isEqualTo("Qwen3ForCausalLM");
    assertThat(c.json().has("use_sliding_window")).isTrue();
  }

  @Test
  void readsConfigJsonOfADirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), MIXTRAL);
    assertThat(HfConfig.read(dir).modelType()).isEqualTo(HfModelType.MIXTRAL);
    assertThatThrownBy(() -> HfConfig.read(dir.resolve("sub")))
        .hasMessageContaining("sub")
        .hasMessageContaining("missing");
  }

  // --- refusals name config.json, the key and what was expected ---

  @Test
  void anUnknownModelTypeIsRefusedNamingTheSupportedOnes() {
    assertThat(refusal(with(LLAMA, "model_type", "\"gemma2\"")))
        .contains("model_type 'gemma2' is not supported")
        .contains("llama, qwen2, qwen3, qwen3_moe, mixtral, deepseek_v3");
    assertThat(refusal(with(LLAMA, "model_type", null))).contains("key 'model_type' is missing");
  }

  @Test
  void missingOrMistypedValuesNameTheKeyAndWhatWasExpected() {
    assertThat(refusal(with(QWEN3, "hidden_size", null)))
        .contains("key 'hidden_size' is missing; expected a positive integer");
    assertThat(refusal(with(QWEN3, "num_hidden_layers", "\"two\"")))
        .contains("key 'num_hidden_layers': expected a positive integer, got \"two\"");
    assertThat(refusal(with(QWEN3, "rms_norm_eps", "-1")))
        .contains("key 'rms_norm_eps': expected a positive number, got -1");
    assertThat(refusal(with(QWEN3, "tie_word_embeddings", "\"yes\"")))
        .contains("key 'tie_word_embeddings': expected true or false");
    assertThat(refusal(with(QWEN3_MOE, "num_experts", null)))
        .contains("key 'num_experts' is missing");
    assertThat(refusal(with(MIXTRAL, "num_local_experts", null)))
        .contains("key 'num_local_experts' is missing");
    assertThat(refusal(with(DEEPSEEK_V3, "kv_lora_rank", null)))
        .contains("key 'kv_lora_rank' is missing");
    assertThat(refusal(with(DEEPSEEK_V3, "n_group", "3"))).contains("'n_group' = 3 must divide");
    assertThat(refusal(with(LLAMA, "num_key_value_heads", "3")))
        .contains("'num_key_value_heads' = 3 must divide num_attention_heads = 4");
    assertThat(refusal(with(LLAMA, "intermediate_size", null)))
        .contains("key 'intermediate_size' is missing");
    assertThat(refusal("[1]")).contains("expected a JSON object");
    assertThat(refusal("{\"model_type\": ")).contains("not JSON");
  }

  @Test
  void keysThatWouldChangeTheMathAreRefusedNeverIgnored() {
    assertThat(refusal(with(QWEN2, "use_sliding_window", "true")))
        .contains("key 'use_sliding_window' = true is not supported");
    assertThat(refusal(with(MIXTRAL, "sliding_window", "4096")))
        .contains("key 'sliding_window' = 4096 is not supported");
    assertThat(refusal(with(QWEN3_MOE, "mlp_only_layers", "[0]")))
        .contains("key 'mlp_only_layers' = [0] is not supported");
    assertThat(refusal(with(QWEN3_MOE, "decoder_sparse_step", "2")))
        .contains("key 'decoder_sparse_step' = 2 is not supported");
    assertThat(refusal(with(LLAMA, "rope_scaling", "{\"type\": \"linear\", \"factor\": 2.0}")))
        .contains("key 'rope_scaling'")
        .contains("rope type 'linear' (supported: llama3, yarn)");
    assertThat(refusal(with(LLAMA, "hidden_act", "\"gelu\""))).contains("key 'hidden_act'");
    assertThat(refusal(with(LLAMA, "mlp_bias", "true"))).contains("key 'mlp_bias'");
    assertThat(refusal(with(LLAMA, "attention_dropout", "0.1")))
        .contains("key 'attention_dropout'");
    assertThat(
            refusal(
                with(
                    DEEPSEEK_V3,
                    "quantization_config",
                    "{\"quant_method\": \"fp8\", \"weight_block_size\": [128, 128]}")))
        .contains("key 'quantization_config' = \"fp8\" is not supported");
    assertThat(refusal(with(DEEPSEEK_V3, "scoring_func", "\"softmax\"")))
        .contains("key 'scoring_func'");
    assertThat(refusal(with(DEEPSEEK_V3, "topk_method", "\"greedy\"")))
        .contains("key 'topk_method'");
    assertThat(refusal(with(QWEN3, "layer_types", "[\"full_attention\", \"sliding_attention\"]")))
        .contains("key 'layer_types'");
    assertThat(
            refusal(
                with(
                    LLAMA,
                    "rope_scaling",
                    "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0}")))
        .contains("key 'high_freq_factor' is missing");
  }

  // --- parameter counts, checked against the figures the model cards publish ---

  @Test
  void parameterCountsMatchThePublishedFiguresOfRealModels() {
    ParameterCounts llama = parse(LLAMA_3_1_8B).parameterCounts();
    assertThat(llama.total()).isEqualTo(8_030_261_248L); // the safetensors total of the release
    assertThat(llama.activePerToken()).isEqualTo(llama.total());

    ParameterCounts qwen3 = parse(QWEN3_0_6B).parameterCounts();
    assertThat(qwen3.total()).isCloseTo(596_000_000L, within(1_000_000L)); // 0.6B, tied
    assertThat(qwen3.total() - qwen3.embedding()).isCloseTo(440_000_000L, within(1_000_000L));

    ParameterCounts qwen2 = parse(QWEN2_5_0_5B).parameterCounts();
    assertThat(qwen2.total()).isCloseTo(494_000_000L, within(1_000_000L)); // 0.49B
    assertThat(qwen2.total() - qwen2.embedding()).isCloseTo(358_000_000L, within(2_000_000L));

    ParameterCounts mixtral = parse(MIXTRAL_8X7B).parameterCounts();
    assertThat(mixtral.total()).isCloseTo(46_700_000_000L, within(100_000_000L));
    assertThat(mixtral.activePerToken()).isCloseTo(12_900_000_000L, within(100_000_000L));

    ParameterCounts qwenMoe = parse(QWEN3_30B_A3B).parameterCounts();
    assertThat(qwenMoe.total()).isCloseTo(30_500_000_000L, within(100_000_000L));
    assertThat(qwenMoe.activePerToken()).isCloseTo(3_300_000_000L, within(100_000_000L));

    ParameterCounts deepseek = parse(DEEPSEEK_V3_671B).parameterCounts();
    assertThat(deepseek.total()).isCloseTo(671_000_000_000L, within(1_000_000_000L));
    assertThat(deepseek.activePerToken()).isCloseTo(37_000_000_000L, within(1_000_000_000L));
  }

  @Test
  void tinyConfigsCountEveryWeightTheModelingFileCreates() {
    // qwen2 tiny: tied 200x64 embedding; per layer q 64x64+64, k,v 64x32+32, o 64x64,
    // MLP 3x64x96, two norms of 64; final norm 64
    long layer = (64 * 64 + 64) + 2 * (64 * 32 + 32) + 64 * 64 + 3 * 64 * 96 + 2 * 64;
    assertThat(parse(QWEN2).parameterCounts().total()).isEqualTo(200 * 64 + 2 * layer + 64);
  }

  static final String LLAMA_3_1_8B =
      """
      {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
       "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
       "vocab_size": 128256, "rope_theta": 500000.0, "tie_word_embeddings": false,
       "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                        "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
      """;

  static final String QWEN3_0_6B =
      """
      {"model_type": "qwen3", "hidden_size": 1024, "intermediate_size": 3072,
       "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 8,
       "head_dim": 128, "vocab_size": 151936, "tie_word_embeddings": true}
      """;

  static final String QWEN2_5_0_5B =
      """
      {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864,
       "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
       "vocab_size": 151936, "tie_word_embeddings": true, "sliding_window": 32768,
       "use_sliding_window": false}
      """;

  static final String MIXTRAL_8X7B =
      """
      {"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336,
       "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
       "vocab_size": 32000, "num_local_experts": 8, "num_experts_per_tok": 2,
       "sliding_window": null}
      """;

  static final String QWEN3_30B_A3B =
      """
      {"model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144,
       "moe_intermediate_size": 768, "num_hidden_layers": 48, "num_attention_heads": 32,
       "num_key_value_heads": 4, "head_dim": 128, "vocab_size": 151936, "num_experts": 128,
       "num_experts_per_tok": 8, "norm_topk_prob": true, "decoder_sparse_step": 1,
       "mlp_only_layers": [], "tie_word_embeddings": false}
      """;

  static final String DEEPSEEK_V3_671B =
      """
      {"model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432,
       "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
       "num_key_value_heads": 128, "vocab_size": 129280, "n_routed_experts": 256,
       "n_shared_experts": 1, "num_experts_per_tok": 8, "n_group": 8, "topk_group": 4,
       "first_k_dense_replace": 3, "norm_topk_prob": true, "routed_scaling_factor": 2.5,
       "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128,
       "qk_rope_head_dim": 64, "v_head_dim": 128, "scoring_func": "sigmoid",
       "topk_method": "noaux_tc", "moe_layer_freq": 1, "num_nextn_predict_layers": 1,
       "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0,
                        "mscale_all_dim": 1.0, "original_max_position_embeddings": 4096,
                        "type": "yarn"}}
      """;
}
