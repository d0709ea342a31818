package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.Completion;
import io.tributary.model.GradMode;
import io.tributary.model.KvCache;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A policy imported with {@link Precision#FLOAT16} (projections and embedding stored in float16,
 * everything else float32) computes what the float32 policy computes, to float16's precision, on
 * the committed fixtures. Sequences of up to 8 tokens and every cached decode step multiply in
 * float16; longer full forwards widen the weights (ModelBlock.HALF_PRODUCT_MAX_ROWS), so the cached
 * decode against the full forward compares the two products.
 */
class Float16InferenceTest {
  /**
   * float16 keeps 11 significant bits (relative rounding 2^-11 = 4.9e-4) on every weight and on
   * every projection's input and output; over the fixtures' two or three layers the logits move by
   * at most about 0.25% of the largest one. A bug (a weight left at zero, a wrong cast) moves them
   * by their own size.
   */
  static final double RELATIVE_TOLERANCE = 0.005;

  /**
   * A greedy step whose float32 top-2 gap exceeds twice the logit tolerance cannot change its token
   * under float16; those steps must decode alike.
   */
  static final double MARGIN_IN_TOLERANCES = 2;

  static PolicyModel half(String family) {
    return HfImport.load(HfParityTest.FIXTURES.resolve(family), null, Precision.FLOAT16);
  }

  static double maxAbs(float[] a) {
    double max = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  static int[] greedySequence(JsonNode greedy) {
    int[] prompt = HfParityTest.ids(greedy.get("prompt"));
    int[] continuation = HfParityTest.ids(greedy.get("continuation"));
    int[] all = new int[prompt.length + continuation.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void logitsAreTheFloat32OnesToFloat16Precision(String family) throws Exception {
    JsonNode sequences = HfParityTest.reference(family).get("sequences");
    try (PolicyModel full = HfImport.load(HfParityTest.FIXTURES.resolve(family));
        PolicyModel half = half(family)) {
      for (JsonNode sequence : sequences) {
        int[] tokens = HfParityTest.ids(sequence);
        float[] want = HfParityTest.logits(full, tokens);
        float[] got = HfParityTest.logits(half, tokens);
        double worst = HfParityTest.maxDiff(got, want);
        System.out.printf(
            "float16 %s: max |logit diff| %.3g of max |logit| %.3g%n", family, worst, maxAbs(want));
        assertThat(worst).as(family).isLessThanOrEqualTo(RELATIVE_TOLERANCE * maxAbs(want));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void greedyDecodingPicksTheReferenceTokenWhereTheMarginIsClear(String family) throws Exception {
    JsonNode greedy = HfParityTest.reference(family).get("greedy");
    int[] prompt = HfParityTest.ids(greedy.get("prompt"));
    int[] expected = HfParityTest.ids(greedy.get("continuation"));
    int[] all = greedySequence(greedy);
    try (PolicyModel full = HfImport.load(HfParityTest.FIXTURES.resolve(family));
        PolicyModel half = half(family)) {
      int vocab = full.config().vocabSize();
      float[] reference = HfParityTest.logits(full, all);
      double tolerance = RELATIVE_TOLERANCE * maxAbs(reference);
      // the continuation as long as every step's float32 choice is clear by the margin
      int clear = 0;
      while (clear < expected.length
          && topTwoGap(reference, (prompt.length - 1 + clear) * vocab, vocab)
              >= MARGIN_IN_TOLERANCES * tolerance) {
        clear++;
      }
      assertThat(clear).as("%s: clear greedy steps to compare", family).isPositive();

      SamplingParams params = new SamplingParams(0, 1, 0, expected.length, null, 0, null, true);
      List<Completion> out = Sampler.generate(half, List.of(prompt), params, new long[] {1});
      int[] continuation = out.get(0).tokens();
      System.out.printf(
          "float16 %s: %d of %d greedy steps clear%n", family, clear, expected.length);
      for (int i = 0; i < clear; i++) {
        assertThat(continuation[i]).as("%s, greedy step %d", family, i).isEqualTo(expected[i]);
      }
    }
  }

  private static double topTwoGap(float[] logits, int from, int vocab) {
    double first = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (int v = from; v < from + vocab; v++) {
      if (logits[v] > first) {
        second = first;
        first = logits[v];
      } else if (logits[v] > second) {
        second = logits[v];
      }
    }
    return first - second;
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "qwen2", "deepseek_v3"})
  void kvCacheDecodingEqualsTheFullForwardInFloat16(String family) throws Exception {
    int[] all = greedySequence(HfParityTest.reference(family).get("greedy"));
    int prompt =
        HfParityTest.ids(HfParityTest.reference(family).get("greedy").get("prompt")).length;
    try (PolicyModel model = half(family);
        GradMode ignored = GradMode.disabled();
        NDManager m = model.manager().newSubManager();
        KvCache cache = new KvCache(m, model.config().layers(), all.length)) {
      float[] full = HfParityTest.logits(model, all);
      int vocab = model.config().vocabSize();
      double worst = 0;
      for (int t = prompt; t <= all.length; t++) {
        int from = t == prompt ? 0 : t - 1; // prefill, then one token per step
        int width = t - from;
        long[] input = new long[width];
        int[][] positions = new int[1][width];
        for (int j = 0; j < width; j++) {
          input[j] = all[from + j];
          positions[0][j] = from + j;
        }
        NDArray out =
            model
                .block()
                .forward(
                    m.create(input, new Shape(1, width)),
                    positions,
                    HfParityTest.causalMask(m, width),
                    cache,
                    RoutingContext.inference());
        float[] cached = out.get(new NDIndex("0, -1, :")).toFloatArray();
        float[] reference = new float[vocab];
        System.arraycopy(full, (t - 1) * vocab, reference, 0, vocab);
        worst = Math.max(worst, HfParityTest.maxDiff(cached, reference));
      }
      // the same float16 weights either way, but one row at a time they multiply a float16 copy
      // of the activations, and the full forward's many rows a widened float32 copy of the weights
      assertThat(worst).as(family).isLessThanOrEqualTo(RELATIVE_TOLERANCE * maxAbs(full));
    }
  }

  @Test
  void theStreamedMatricesAreStoredInFloat16AndNormsStayFloat32() {
    try (PolicyModel model = half("qwen3")) {
      for (Pair<String, Parameter> p : model.parameters()) {
        String name = p.getKey();
        DataType stored = p.getValue().getArray().getDataType();
        boolean norm = name.contains("norm");
        assertThat(stored).as(name).isEqualTo(norm ? DataType.FLOAT32 : DataType.FLOAT16);
      }
    }
  }

  @Test
  void aFloat16PolicyRefusesToTrain() {
    try (PolicyModel model = half("qwen3")) {
      assertThatThrownBy(model::trainableParameters)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("training needs a float32 policy");
    }
  }

  @Test
  void bfloat16IsRefusedWithAMessageInsteadOfAbortingTheJvm() {
    Path qwen3 = HfParityTest.FIXTURES.resolve("qwen3");
    assertThatThrownBy(() -> HfImport.load(qwen3, null, Precision.BFLOAT16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bfloat16")
        .hasMessageContaining("float16");
  }
}
