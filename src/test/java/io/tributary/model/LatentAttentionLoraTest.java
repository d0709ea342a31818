package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LoRA on DeepSeek-V3's multi-head latent attention: its five projections are adaptable by the same
 * target names as any other, under their Hugging Face module names as PEFT writes them.
 */
class LatentAttentionLoraTest {
  private static final int[][] TOKENS = PolicyModelTest.randomTokens(2, 9, 40, 3);
  private static final List<String> MLA_MODULES =
      List.of("q_a_proj", "q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj");

  private static float[] logits(PolicyModel model) {
    try (NDManager step = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled()) {
      return model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
    }
  }

  private static double worstDifference(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  private static PolicyModel latentModel() {
    return PolicyModel.create(TinyModels.tinyWithDeepSeekV3Options(24), 4);
  }

  @Test
  void theHuggingFaceModuleNamesReachEveryLatentProjectionInEveryLayer() {
    try (PolicyModel model = latentModel()) {
      List<String> names =
          model.attachAdapters(LoraConfig.of(2, 4, MLA_MODULES)).sites().stream()
              .map(LoraAdapters.Site::name)
              .toList();
      int layers = model.config().layers();
      assertThat(names).hasSize(5 * layers);
      for (int i = 0; i < layers; i++) {
        assertThat(names)
            .contains(
                "layer" + i + "_attention_wq_a",
                "layer" + i + "_attention_wq_b",
                "layer" + i + "_attention_wkv_a",
                "layer" + i + "_attention_wkv_b",
                "layer" + i + "_attention_wo");
      }
    }
    try (PolicyModel model = latentModel()) {
      assertThat(
              model.attachAdapters(LoraConfig.of(2, 4, List.of("attention"))).sites().stream()
                  .map(LoraAdapters.Site::name))
          .as("the attention shorthand")
          .hasSize(5 * model.config().layers());
    }
  }

  @Test
  void queriesWithoutCompressionAreAdaptedAsQProj() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tinyWithDeepSeekV3Options(null), 4)) {
      assertThat(
              model.attachAdapters(LoraConfig.of(2, 4, List.of("q_proj"))).sites().stream()
                  .map(LoraAdapters.Site::name))
          .contains("layer0_attention_wq")
          .hasSize(model.config().layers());
    }
  }

  @Test
  void anAdapterOnEachLatentProjectionChangesTheLogits() {
    for (String module : MLA_MODULES) {
      try (PolicyModel model = latentModel()) {
        float[] base = logits(model);
        model.attachAdapters(LoraConfig.of(4, 8, List.of(module)));
        TinyModels.randomizeAdapters(model, 5);
        assertThat(worstDifference(logits(model), base)).as(module).isGreaterThan(1e-3);
        try (LoraAdapters.Off off = model.adaptersDisabled()) {
          assertThat(logits(model)).as(module + " switched off").containsExactly(base);
        }
      }
    }
  }

  @Test
  void mergingLatentAdaptersKeepsTheLogits() {
    try (PolicyModel model = latentModel()) {
      model.attachAdapters(LoraConfig.of(4, 8, MLA_MODULES));
      TinyModels.randomizeAdapters(model, 5);
      float[] adapted = logits(model);
      model.adapters().merge();
      try (LoraAdapters.Off off = model.adaptersDisabled()) {
        assertThat(worstDifference(logits(model), adapted)).isLessThan(1e-5);
      }
    }
  }
}
