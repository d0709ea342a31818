package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Random;

/** Small configurations that run in milliseconds on CPU. */
public final class TinyModels {
  private TinyModels() {}

  /**
   * Two layers, the second MoE, sized for {@link io.tributary.tokenizer.CharTokenizer}'s
   * vocabulary: the policy of the checkpoint, GRPO and learner tests.
   */
  public static ModelConfig forCharTokenizer() {
    return ModelConfig.builder()
        .vocabSize(112)
        .dim(32)
        .layers(2)
        .heads(2)
        .routedExperts(4)
        .topK(2)
        .expertHidden(16)
        .denseHidden(32)
        .denseLayers(1)
        .maxSeqLen(48)
        .device(DeviceChoice.CPU)
        .build();
  }

  static ModelConfig tiny() {
    return ModelConfig.builder()
        .vocabSize(40)
        .dim(32)
        .layers(3)
        .heads(4)
        .routedExperts(4)
        .topK(2)
        .sharedExperts(1)
        .expertHidden(16)
        .denseHidden(48)
        .denseLayers(1)
        .maxSeqLen(64)
        .device(DeviceChoice.CPU)
        .build();
  }

  /**
   * {@link #forCharTokenizer()} with every option the Hugging Face families need: grouped-query
   * attention (4 query heads on 2 key/value heads), a head width of 12 apart from dim/heads = 8,
   * q/k/v biases, q/k RMSNorm, tied embeddings and Llama 3 rotary scaling.
   */
  public static ModelConfig forCharTokenizerWithHfOptions() {
    return forCharTokenizer().toBuilder()
        .heads(4)
        .kvHeads(2)
        .headDim(12)
        .attentionBias(true)
        .qkNorm(true)
        .tieEmbeddings(true)
        .ropeTheta(500_000)
        .ropeScaling(RopeScaling.llama3(8, 1, 4, 16))
        .build();
  }

  /** {@link #tiny()} with the options of {@link #forCharTokenizerWithHfOptions()}. */
  static ModelConfig tinyWithHfOptions() {
    return tiny().toBuilder()
        .kvHeads(2)
        .headDim(12)
        .attentionBias(true)
        .qkNorm(true)
        .tieEmbeddings(true)
        .ropeTheta(500_000)
        .ropeScaling(RopeScaling.llama3(8, 1, 4, 16))
        .build();
  }

  /**
   * {@link #forCharTokenizer()} as a DeepSeek-V3: Multi-head Latent Attention with compressed
   * queries, YaRN over an original context of 16 (so the scaling matters within maxSeqLen),
   * interleaved rotary pairs, sigmoid routing limited to 1 of 2 expert groups, routed scale 2.5.
   */
  public static ModelConfig forCharTokenizerWithDeepSeekV3Options() {
    return withDeepSeekV3Options(forCharTokenizer(), 24);
  }

  /** {@link #tiny()} with the options of {@link #forCharTokenizerWithDeepSeekV3Options()}. */
  static ModelConfig tinyWithDeepSeekV3Options(Integer qLoraRank) {
    return withDeepSeekV3Options(tiny(), qLoraRank);
  }

  private static ModelConfig withDeepSeekV3Options(ModelConfig base, Integer qLoraRank) {
    return base.toBuilder()
        .mla(new MlaConfig(qLoraRank, 16, 8, 8, 12))
        .ropeScaling(RopeScaling.yarn(4, 16, 32.0, 1.0, 0.8, 1.0))
        .ropeInterleaved(true)
        .scoring(ScoringFunction.SIGMOID)
        .routedScale(2.5)
        .routerGroups(2)
        .routerTopKGroups(1)
        .build();
  }

  /**
   * Gives the trainable parameters that start as constants (biases at 0, norm gains at 1) random
   * values, so that a test sees it when one of them is applied wrongly or not at all.
   */
  public static void randomizeConstantParameters(PolicyModel model, long seed) {
    Random random = new Random(seed);
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.trainableParameters()) {
        NDArray array = p.getValue().getArray();
        float[] values = array.toFloatArray();
        boolean constant = true;
        for (float v : values) {
          constant &= v == values[0];
        }
        if (constant && (values[0] == 0f || values[0] == 1f)) {
          for (int i = 0; i < values.length; i++) {
            values[i] += (float) (0.2 * random.nextGaussian());
          }
          array.set(values);
        }
      }
    }
  }

  /**
   * Gives every adapter's A and B random values: at initialisation B is zero and an adapted model
   * equals its base, so a test of what adapters do needs them moved first.
   */
  public static void randomizeAdapters(PolicyModel model, long seed) {
    randomizeAdapters(model, seed, 0.3);
  }

  /**
   * {@link #randomizeAdapters(PolicyModel, long)} with values of standard deviation {@code std}.
   */
  public static void randomizeAdapters(PolicyModel model, long seed, double std) {
    Random random = new Random(seed);
    try (GradMode ignored = GradMode.disabled()) {
      for (LoraAdapters.Site site : model.adapters().sites()) {
        for (Parameter p : new Parameter[] {site.a(), site.b()}) {
          NDArray array = p.getArray();
          float[] values = array.toFloatArray();
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) (std * random.nextGaussian());
          }
          array.set(values);
        }
      }
    }
  }
}
