package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoraAdaptersTest {
  private static final int[][] TOKENS = PolicyModelTest.randomTokens(2, 9, 40, 3);

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

  @Test
  void anAdaptedModelStartsExactlyEqualToItsBase() {
    try (PolicyModel base = PolicyModel.create(TinyModels.tiny(), 4);
        PolicyModel adapted = PolicyModel.create(TinyModels.tiny(), 4)) {
      adapted.attachAdapters(LoraConfig.of(4, 8, List.of("all")));
      assertThat(logits(adapted)).containsExactly(logits(base));
    }
  }

  @Test
  void attachingFreezesTheBaseSoOnlyTheAdaptersAreTrainable() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      LoraAdapters adapters = model.attachAdapters(LoraConfig.of(2, 4, List.of("attention")));
      assertThat(adapters.sites()).hasSize(3 * 4);
      List<Pair<String, Parameter>> trainable = model.trainableParameters();
      assertThat(trainable).hasSize(2 * adapters.sites().size());
      assertThat(trainable).allMatch(p -> adapters.isAdapterParameter(p.getValue()));
      assertThat(trainable.get(0).getKey()).isEqualTo("01layer0_02attention_01lora_wq_a");
      assertThat(adapters.sites().get(0).a().getArray().getShape().getShape())
          .containsExactly(2, 32);
      assertThat(adapters.sites().get(0).b().getArray().getShape().getShape())
          .containsExactly(32, 2);
    }
  }

  @Test
  void aIsKaimingUniformWithinOneOverRootFanInAndBIsZero() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      LoraAdapters.Site site =
          model.attachAdapters(LoraConfig.of(4, 8, List.of("wo"))).sites().get(0);
      float bound = (float) (1 / Math.sqrt(32));
      float[] a = site.a().getArray().toFloatArray();
      double largest = 0;
      for (float v : a) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertThat(largest).isLessThanOrEqualTo(bound);
      assertThat(largest).as("uniform over the whole range").isGreaterThan(bound * 0.9);
      assertThat(site.b().getArray().toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void shorthandsReachTheirProjectionsInEveryLayerDenseOrExpert() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      List<String> names =
          model.attachAdapters(LoraConfig.of(2, 4, List.of("q_proj", "down_proj"))).sites().stream()
              .map(LoraAdapters.Site::name)
              .toList();
      assertThat(names)
          .contains(
              "layer0_attention_wq",
              "layer2_attention_wq",
              "layer0_ffn_w2",
              "layer1_moe_expert3_w2",
              "layer1_moe_shared_w2")
          .noneMatch(n -> n.endsWith("wk") || n.endsWith("w1") || n.contains("router"));
    }
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      List<String> names =
          model.attachAdapters(LoraConfig.of(2, 4, List.of("experts"))).sites().stream()
              .map(LoraAdapters.Site::name)
              .toList();
      assertThat(names).hasSize(2 * (4 + 1) * 3).allMatch(n -> n.contains("_moe_"));
    }
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      assertThat(
              model
                  .attachAdapters(LoraConfig.of(2, 4, List.of("layer1_attention_w[qv]")))
                  .sites()
                  .stream()
                  .map(LoraAdapters.Site::name))
          .containsExactly("layer1_attention_wq", "layer1_attention_wv");
    }
  }

  @Test
  void aTargetThatMatchesNoProjectionIsAnErrorNamingIt() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      assertThatThrownBy(
              () -> model.attachAdapters(LoraConfig.of(2, 4, List.of("wq", "layer9_.*"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lora.targets")
          .hasMessageContaining("[layer9_.*]");
    }
  }

  @Test
  void theConfigIsBoundFromYamlWithStrictKeysAndValidated() {
    LoraConfig lora =
        Yaml.read(
            "rank: 16\nalpha: 32\ndropout: 0.05\ntargets: [attention, mlp]\nseed: 7\n",
            LoraConfig.class,
            "lora");
    assertThat(lora.scale()).isEqualTo(2.0);
    assertThat(lora.targets()).containsExactly("attention", "mlp");
    assertThat(new LoraConfig(8, null, null, null, null).alpha()).isEqualTo(16.0);
    assertThatThrownBy(() -> Yaml.read("rank: 8\nrnak: 3\n", LoraConfig.class, "lora"))
        .hasMessageContaining("rnak");
    assertThatThrownBy(() -> new LoraConfig(0, null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lora.rank");
    assertThatThrownBy(() -> new LoraConfig(4, null, 1.0, null, null))
        .hasMessageContaining("lora.dropout");
    assertThatThrownBy(() -> new LoraConfig(4, null, null, List.of("w[q"), null))
        .hasMessageContaining("lora.targets")
        .hasMessageContaining("w[q");
  }

  @Test
  void switchingTheAdaptersOffGivesTheBaseModelAndOnAgainTheAdaptedOne() {
    try (PolicyModel base = PolicyModel.create(TinyModels.tiny(), 4);
        PolicyModel adapted = PolicyModel.create(TinyModels.tiny(), 4)) {
      adapted.attachAdapters(LoraConfig.of(4, 8, List.of("all")));
      TinyModels.randomizeAdapters(adapted, 5);
      float[] withAdapters = logits(adapted);
      assertThat(worstDifference(withAdapters, logits(base))).isGreaterThan(1e-2);
      try (LoraAdapters.Off off = adapted.adaptersDisabled()) {
        assertThat(logits(adapted)).containsExactly(logits(base));
      }
      assertThat(logits(adapted)).containsExactly(withAdapters);
    }
  }

  @Test
  void mergingMovesTheUpdateIntoTheBaseWeightsAndKeepsTheLogits() {
    try (PolicyModel adapted = PolicyModel.create(TinyModels.tiny(), 4)) {
      adapted.attachAdapters(LoraConfig.of(4, 8, List.of("all")));
      TinyModels.randomizeAdapters(adapted, 5);
      float[] before = logits(adapted);
      adapted.adapters().merge();
      try (LoraAdapters.Off off = adapted.adaptersDisabled()) {
        assertThat(worstDifference(logits(adapted), before)).isLessThan(1e-5);
      }
      assertThat(worstDifference(logits(adapted), before)).isLessThan(1e-5);
    }
  }

  @Test
  void theRouterSelectionBiasOfALoraPolicyStaysFrozen() {
    ModelConfig config = TinyModels.tiny().toBuilder().biasUpdateRate(0.5).build();
    try (PolicyModel model = PolicyModel.create(config, 4)) {
      model.attachAdapters(LoraConfig.of(2, 4, List.of("attention")));
      try (NDManager step = model.manager().newSubManager()) {
        model.logits(step, TOKENS, RoutingContext.training(null));
      }
      model.updateRouterBiases();
      for (float[] bias : model.expertLoad().selectionBias()) {
        assertThat(bias).containsOnly(0f);
      }
    }
  }

  @Test
  void dropoutActsOnlyInForwardsThatRecordGradients() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 4)) {
      model.attachAdapters(new LoraConfig(4, 8.0, 0.5, List.of("all"), 1L));
      TinyModels.randomizeAdapters(model, 5);
      assertThat(logits(model)).as("recording off: deterministic").containsExactly(logits(model));
      float[] first;
      float[] second;
      try (GradMode on = GradMode.enabled();
          NDManager step = model.manager().newSubManager()) {
        first = model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
        second = model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
      }
      assertThat(worstDifference(first, second)).isGreaterThan(1e-3);
    }
  }
}
