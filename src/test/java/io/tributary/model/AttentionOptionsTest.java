package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attention and embedding options that Hugging Face families need, checked by property. */
class AttentionOptionsTest {
  static final int[][] TOKENS =
      PolicyModelTest.randomTokens(2, 10, 39, 21); // token 39 is never input

  static float[] logits(PolicyModel model) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.logits(m, TOKENS, RoutingContext.inference()).toFloatArray();
    }
  }

  static NDArray parameter(PolicyModel model, String name) {
    return model.parameters().stream()
        .filter(p -> plain(p.getKey()).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no parameter " + name))
        .getValue()
        .getArray();
  }

  /** DJL prefixes each child block's name with its position: 01layer0_02attention_wq. */
  static String plain(String name) {
    return name.replaceAll("(^|_)\\d+(?=[a-z])", "$1");
  }

  @Test
  void groupedQueryAttentionEqualsFullAttentionWithEachKeyValueHeadRepeatedForItsGroup() {
    ModelConfig grouped = TinyModels.tiny().toBuilder().kvHeads(2).build(); // 4 query heads
    ModelConfig full = TinyModels.tiny();
    try (PolicyModel gqa = PolicyModel.create(grouped, 3);
        PolicyModel mha = PolicyModel.create(full, 4)) {
      int d = full.headDim();
      try (GradMode ignored = GradMode.disabled()) {
        for (Pair<String, Parameter> p : mha.parameters()) {
          String name = plain(p.getKey());
          NDArray source = parameter(gqa, name);
          if (name.endsWith("_wk") || name.endsWith("_wv")) {
            // query head h reads key/value head h / (H/Hkv): rows [h/2·D, h/2·D + D)
            float[] rows = source.toFloatArray();
            int c = full.dim();
            float[] repeated = new float[full.heads() * d * c];
            for (int h = 0; h < full.heads(); h++) {
              System.arraycopy(rows, (h / 2) * d * c, repeated, h * d * c, d * c);
            }
            p.getValue().getArray().set(repeated);
          } else {
            p.getValue().getArray().set(source.toFloatArray());
          }
        }
      }
      assertThat(PolicyModelTest.maxDiff(logits(gqa), logits(mha))).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void groupedQueryAttentionHasKeyAndValueProjectionsOfTheKeyValueHeadsOnly() {
    ModelConfig config = TinyModels.tinyWithHfOptions(); // H 4, Hkv 2, D 12, C 32
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      assertThat(parameter(model, "layer0_attention_wq").getShape().getShape())
          .containsExactly(48, 32);
      assertThat(parameter(model, "layer0_attention_wk").getShape().getShape())
          .containsExactly(24, 32);
      assertThat(parameter(model, "layer0_attention_wv").getShape().getShape())
          .containsExactly(24, 32);
      assertThat(parameter(model, "layer0_attention_wo").getShape().getShape())
          .containsExactly(32, 48);
      assertThat(parameter(model, "layer0_attention_bk").getShape().getShape()).containsExactly(24);
      assertThat(parameter(model, "layer0_attention_q_norm_gain").getShape().getShape())
          .containsExactly(12);
    }
  }

  @Test
  void withQkNormTheScaleOfTheQueryAndKeyProjectionsNoLongerMatters() {
    for (boolean qkNorm : new boolean[] {true, false}) {
      ModelConfig config = TinyModels.tiny().toBuilder().qkNorm(qkNorm).build();
      try (PolicyModel model = PolicyModel.create(config, 8)) {
        float[] before = logits(model);
        try (GradMode ignored = GradMode.disabled()) {
          for (String name : List.of("layer1_attention_wq", "layer1_attention_wk")) {
            NDArray w = parameter(model, name);
            w.set(w.mul(3).toFloatArray());
          }
        }
        double change = PolicyModelTest.maxDiff(before, logits(model));
        if (qkNorm) {
          assertThat(change).as("qk-norm on").isLessThanOrEqualTo(1e-5);
        } else {
          assertThat(change).as("qk-norm off").isGreaterThan(1e-3);
        }
      }
    }
  }

  @Test
  void tiedEmbeddingsHaveNoHeadAndTheEmbeddingMatrixIsTheOutputProjection() {
    ModelConfig tied = TinyModels.tiny().toBuilder().tieEmbeddings(true).build();
    try (PolicyModel model = PolicyModel.create(tied, 2)) {
      assertThat(model.parameters()).extracting(Pair::getKey).doesNotContain("head");
      float[] before = logits(model);
      // the embedding row of a token that is never input changes only that token's logit
      try (GradMode ignored = GradMode.disabled()) {
        NDArray embedding = parameter(model, "embedding");
        float[] values = embedding.toFloatArray();
        values[39 * tied.dim()] += 1f;
        embedding.set(values);
      }
      float[] after = logits(model);
      for (int i = 0; i < before.length; i++) {
        if (i % 40 == 39) {
          assertThat(after[i]).isNotEqualTo(before[i]);
        } else {
          assertThat(after[i]).isEqualTo(before[i]);
        }
      }
    }
  }

  @Test
  void everyTrainableParameterOfTheOptionsGetsANonZeroGradient() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tinyWithHfOptions(), 3);
        NDManager step = model.manager().newSubManager()) {
      PolicyModelTest.forwardBackward(
          model, step, PolicyModelTest.randomTokens(4, 24, 40, 4), Dispatch.SPARSE);
      assertThat(model.trainableParameters()).extracting(Pair::getKey).contains("embedding");
      for (Pair<String, Parameter> p : model.trainableParameters()) {
        try (NDArray g = p.getValue().getArray().getGradient()) {
          assertThat(g.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
        }
      }
    }
  }
}
