package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class KvCacheTest {

  @Test
  void cachedDecodingOfLeftPaddedRowsGivesTheLogitsOfAFullForwardOfEachRow() {
    assertThat(worstCachedVersusFullDifference(TinyModels.tiny(), false)).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void
      cachedDecodingEqualsTheFullForwardWithGroupedQueriesBiasesQkNormWideHeadsAndTiedEmbeddings() {
    assertThat(worstCachedVersusFullDifference(TinyModels.tinyWithHfOptions(), true))
        .isLessThanOrEqualTo(1e-4);
  }

  @Test
  void cachedDecodingOfLatentsAndRotaryKeysEqualsTheFullForwardOfMultiHeadLatentAttention() {
    assertThat(worstCachedVersusFullDifference(TinyModels.tinyWithDeepSeekV3Options(24), true))
        .isLessThanOrEqualTo(1e-4);
  }

  @Test
  void cachedDecodingEqualsTheFullForwardOfLatentAttentionWithUncompressedQueries() {
    assertThat(worstCachedVersusFullDifference(TinyModels.tinyWithDeepSeekV3Options(null), true))
        .isLessThanOrEqualTo(1e-4);
  }

  @Test
  void cachedDecodingEqualsTheFullForwardWithLowRankAdaptersOnEveryProjection() {
    assertThat(
            worstCachedVersusFullDifference(
                TinyModels.tinyWithHfOptions(),
                model -> {
                  model.attachAdapters(LoraConfig.of(4, 8, java.util.List.of("all")));
                  TinyModels.randomizeAdapters(model, 7);
                }))
        .isLessThanOrEqualTo(1e-4);
  }

  @Test
  void cachedDecodingEqualsTheFullForwardWithLowRankAdaptersOnTheLatentAttention() {
    // an adapter on kv_b_proj turns the decoding steps from absorbed to expanded latents
    assertThat(
            worstCachedVersusFullDifference(
                TinyModels.tinyWithDeepSeekV3Options(24),
                model -> {
                  model.attachAdapters(LoraConfig.of(4, 8, java.util.List.of("attention")));
                  TinyModels.randomizeAdapters(model, 7);
                }))
        .isLessThanOrEqualTo(1e-4);
  }

  private static double worstCachedVersusFullDifference(ModelConfig config, boolean randomize) {
    return worstCachedVersusFullDifference(
        config, model -> TinyModels.randomizeConstantParameters(model, 6), randomize);
  }

  private static double worstCachedVersusFullDifference(
      ModelConfig config, java.util.function.Consumer<PolicyModel> prepare) {
    return worstCachedVersusFullDifference(config, prepare, true);
  }

  private static double worstCachedVersusFullDifference(
      ModelConfig config, java.util.function.Consumer<PolicyModel> prepare, boolean randomize) {
    int vocab = 40;
    int[][] prompts = {{1, 5, 9, 12, 3, 7}, {1, 22}, {1, 4, 4, 8}};
    int[][] continuation = PolicyModelTest.randomTokens(3, 10, vocab, 11);
    try (PolicyModel model = PolicyModel.create(config, 5);
        NDManager m = model.manager().newSubManager();
        KvCache cache = new KvCache(m, model.config().layers(), 16)) {
      if (randomize) {
        prepare.accept(model);
      }
      int batch = prompts.length;
      int promptLength = 6;
      int[] padding = new int[batch];
      long[] prefill = new long[batch * promptLength];
      int[][] positions = new int[batch][promptLength];
      for (int i = 0; i < batch; i++) {
        padding[i] = promptLength - prompts[i].length;
        for (int j = 0; j < promptLength; j++) {
          prefill[i * promptLength + j] = j < padding[i] ? 0 : prompts[i][j - padding[i]];
          positions[i][j] = Math.max(0, j - padding[i]);
        }
      }
      float[][][] cached = new float[batch][continuation[0].length + 1][];
      NDArray logits =
          model
              .block()
              .forward(
                  m.create(prefill, new Shape(batch, promptLength)),
                  positions,
                  Masks.leftPadded(m, padding, promptLength, promptLength),
                  cache,
                  RoutingContext.inference());
      collectLast(logits, cached, 0, vocab);
      for (int step = 0; step < continuation[0].length; step++) {
        long[] next = new long[batch];
        int[][] pos = new int[batch][1];
        for (int i = 0; i < batch; i++) {
          next[i] = continuation[i][step];
          pos[i][0] = promptLength + step - padding[i];
        }
        logits =
            model
                .block()
                .forward(
                    m.create(next, new Shape(batch, 1)),
                    pos,
                    Masks.leftPadded(m, padding, 1, promptLength + step + 1),
                    cache,
                    RoutingContext.inference());
        collectLast(logits, cached, step + 1, vocab);
      }
      assertThat(cache.length()).isEqualTo(promptLength + continuation[0].length);

      double worst = 0;
      for (int i = 0; i < batch; i++) {
        int[] full = new int[prompts[i].length + continuation[i].length];
        System.arraycopy(prompts[i], 0, full, 0, prompts[i].length);
        System.arraycopy(continuation[i], 0, full, prompts[i].length, continuation[i].length);
        float[] reference =
            model.logits(m, new int[][] {full}, RoutingContext.inference()).toFloatArray();
        for (int step = 0; step <= continuation[i].length; step++) {
          int position = prompts[i].length - 1 + step;
          for (int k = 0; k < vocab; k++) {
            worst = Math.max(worst, Math.abs(reference[position * vocab + k] - cached[i][step][k]));
          }
        }
      }
      return worst;
    }
  }

  private static void collectLast(NDArray logits, float[][][] out, int step, int vocab) {
    long t = logits.getShape().get(1);
    float[] all = logits.toFloatArray();
    for (int i = 0; i < out.length; i++) {
      out[i][step] = new float[vocab];
      System.arraycopy(all, (int) ((i * t + t - 1) * vocab), out[i][step], 0, vocab);
    }
  }
}
