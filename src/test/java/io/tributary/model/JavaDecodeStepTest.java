package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A decode step of one row computed in Java ({@link MoeTransformer#hidden}'s step in Java) gives
 * the logits of the same step op by op in libtorch, writes the same keys and values into the cache,
 * and is taken only where it may be.
 */
class JavaDecodeStepTest {
  private static final int[] PROMPT = {1, 5, 9, 12, 3, 7};
  private static final int[] CONTINUATION = {4, 17, 2, 30, 8, 8, 21, 11, 6, 39};

  @Test
  void equalsTheStepInLibtorchForTheDenseAndMixtureOfExpertsLayersOfTheDefaultPolicy() {
    assertThat(worstDifference(TinyModels.tiny(), model -> {}, null)).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void equalsTheStepInLibtorchWithGroupedQueriesBiasesQkNormWideHeadsTiedEmbeddingsAndLlama3Rope() {
    assertThat(worstDifference(TinyModels.tinyWithHfOptions(), randomized(), null))
        .isLessThanOrEqualTo(1e-5);
  }

  @Test
  void equalsTheStepInLibtorchWithInterleavedRotaryPairsAndYarn() {
    ModelConfig config =
        TinyModels.tinyWithHfOptions().toBuilder()
            .ropeInterleaved(true)
            .ropeScaling(RopeScaling.yarn(4, 16, 32.0, 1.0, 0.8, 1.0))
            .build();
    assertThat(worstDifference(config, randomized(), null)).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void equalsTheStepInLibtorchWithSigmoidGroupLimitedRoutingAndARoutedScale() {
    ModelConfig config =
        TinyModels.tiny().toBuilder()
            .scoring(ScoringFunction.SIGMOID)
            .routedScale(2.5)
            .routerGroups(2)
            .routerTopKGroups(1)
            .build();
    assertThat(worstDifference(config, randomized(), null)).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void equalsTheStepInLibtorchWithLowRankAdaptersOnEveryProjection() {
    Consumer<PolicyModel> adapters =
        model -> {
          TinyModels.randomizeConstantParameters(model, 6);
          model.attachAdapters(LoraConfig.of(4, 8, List.of("all")));
          TinyModels.randomizeAdapters(model, 7);
        };
    assertThat(worstDifference(TinyModels.tinyWithHfOptions(), adapters, null))
        .isLessThanOrEqualTo(1e-5);
  }

  @Test
  void appliesTheMaskItIsGivenToTheCachedKeys() {
    // key 2 blocked at every step: a step that ignored the mask would see it
    assertThat(worstDifference(TinyModels.tinyWithHfOptions(), randomized(), 2))
        .isLessThanOrEqualTo(1e-5);
  }

  @Test
  void samplingRecordsTheSameTokensAndRoutesWithTheStepInJava() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 5)) {
      SamplingParams params = new SamplingParams(1.0, 1.0, 0, 24, null, 0, null, true);
      List<int[]> prompt = List.<int[]>of(PROMPT);
      Completion java = Sampler.generate(model, prompt, params, new long[] {3}, true).get(0);
      Completion libtorch =
          DecodeProduct.withStepInLibtorch(
              () -> Sampler.generate(model, prompt, params, new long[] {3}, true).get(0));
      assertThat(java.tokens()).containsExactly(libtorch.tokens());
      assertThat(java.routing()).isEqualTo(libtorch.routing());
      for (int i = 0; i < java.logProbs().length; i++) {
        assertThat((double) java.logProbs()[i])
            .isCloseTo(libtorch.logProbs()[i], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void isTakenOnlyForOneNewTokenOfOneRowAfterAPrefillWithoutRecordingOrLatentAttention() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 5);
        PolicyModel latent = PolicyModel.create(TinyModels.tinyWithDeepSeekV3Options(24), 5);
        NDManager m = model.manager().newSubManager();
        KvCache empty = new KvCache(m, 3, 16);
        KvCache filled = new KvCache(m, 3, 16)) {
      MoeTransformer block = model.block();
      NDArray one = m.create(new long[] {4}, new Shape(1, 1));
      try (GradMode ignored = GradMode.disabled()) {
        block.forward(
            m.create(new long[] {1, 5}, new Shape(1, 2)),
            new int[][] {{0, 1}},
            Masks.causal(m, 2),
            filled,
            RoutingContext.inference());
        assertThat(block.stepsInJava(one, filled)).isTrue();
        assertThat(block.stepsInJava(one, empty)).as("no prefill yet").isFalse();
        assertThat(block.stepsInJava(one, null)).as("no cache").isFalse();
        assertThat(block.stepsInJava(m.create(new long[] {4, 4}, new Shape(2, 1)), filled))
            .as("two rows")
            .isFalse();
        assertThat(block.stepsInJava(m.create(new long[] {4, 4}, new Shape(1, 2)), filled))
            .as("two tokens")
            .isFalse();
        assertThat(latent.block().stepsInJava(one, filled)).as("latent attention").isFalse();
        assertThat(DecodeProduct.withStepInLibtorch(() -> block.stepsInJava(one, filled)))
            .isFalse();
        assertThat(DecodeProduct.withLibtorch(() -> block.stepsInJava(one, filled))).isFalse();
      }
      try (GradMode recording = GradMode.enabled()) {
        assertThat(block.stepsInJava(one, filled)).as("autograd recording").isFalse();
      }
    }
  }

  private static Consumer<PolicyModel> randomized() {
    return model -> TinyModels.randomizeConstantParameters(model, 6);
  }

  /**
   * The largest logit difference over a prefill of {@link #PROMPT} and {@link #CONTINUATION}'s
   * steps between two caches, one stepped in Java and one in libtorch; with {@code blockedKey} that
   * key is masked at every step.
   */
  private static double worstDifference(
      ModelConfig config, Consumer<PolicyModel> prepare, Integer blockedKey) {
    int capacity = PROMPT.length + CONTINUATION.length;
    try (PolicyModel model = PolicyModel.create(config, 5);
        NDManager m = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled();
        KvCache javaCache = new KvCache(m, config.layers(), capacity);
        KvCache libtorchCache = new KvCache(m, config.layers(), capacity)) {
      prepare.accept(model);
      MoeTransformer block = model.block();
      long[] prompt = java.util.Arrays.stream(PROMPT).asLongStream().toArray();
      int[][] positions = {java.util.stream.IntStream.range(0, PROMPT.length).toArray()};
      for (KvCache cache : new KvCache[] {javaCache, libtorchCache}) {
        block.forward(
            m.create(prompt, new Shape(1, PROMPT.length)),
            positions,
            Masks.causal(m, PROMPT.length),
            cache,
            RoutingContext.inference());
      }
      double worst = 0;
      for (int step = 0; step < CONTINUATION.length; step++) {
        int s = PROMPT.length + step + 1;
        float[] mask = new float[s];
        if (blockedKey != null) {
          mask[blockedKey] = Masks.BLOCKED;
        }
        NDArray token = m.create(new long[] {CONTINUATION[step]}, new Shape(1, 1));
        int[][] at = {{PROMPT.length + step}};
        NDArray keyMask = m.create(mask, new Shape(1, 1, 1, s));
        assertThat(block.stepsInJava(token, javaCache)).isTrue();
        float[] java =
            block.forward(token, at, keyMask, javaCache, RoutingContext.inference()).toFloatArray();
        float[] libtorch =
            DecodeProduct.withStepInLibtorch(
                () ->
                    block
                        .forward(token, at, keyMask, libtorchCache, RoutingContext.inference())
                        .toFloatArray());
        for (int i = 0; i < java.length; i++) {
          worst = Math.max(worst, Math.abs(java[i] - libtorch[i]));
        }
      }
      assertThat(javaCache.length()).isEqualTo(libtorchCache.length()).isEqualTo(capacity);
      return worst;
    }
  }
}
