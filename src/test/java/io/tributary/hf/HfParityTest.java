package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.GradMode;
import io.tributary.model.KvCache;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof that an imported model is the model: it computes what transformers computes on the
 * committed fixtures (src/test/python/make_hf_fixtures.py wrote them with transformers' own
 * modeling code), in float32.
 */
class HfParityTest {
  static final Path FIXTURES = Path.of("src/test/resources/hf");

  static JsonNode reference(String family) throws Exception {
    return Json.mapper()
        .readTree(Files.readString(FIXTURES.resolve(family).resolve("reference.json")));
  }

  static int[] ids(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  static float[] logits(PolicyModel model, int[] tokens) {
    try (GradMode ignored = GradMode.disabled();
        NDManager m = model.manager().newSubManager()) {
      return model.logits(m, new int[][] {tokens}, RoutingContext.inference()).toFloatArray();
    }
  }

  static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void logitsMatchTransformersWithin1e4(String family) throws Exception {
    JsonNode reference = reference(family);
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family))) {
      double worst = 0;
      for (int s = 0; s < reference.get("sequences").size(); s++) {
        int[] tokens = ids(reference.get("sequences").get(s));
        JsonNode expected = reference.get("logits").get(s);
        int vocab = expected.get(0).size();
        float[] want = new float[tokens.length * vocab];
        for (int t = 0; t < tokens.length; t++) {
          for (int v = 0; v < vocab; v++) {
            want[t * vocab + v] = (float) expected.get(t).get(v).asDouble();
          }
        }
        worst = Math.max(worst, maxDiff(logits(model, tokens), want));
      }
      System.out.printf("parity %s: max |logit diff| %.3g%n", family, worst);
      assertThat(worst).as(family).isLessThanOrEqualTo(1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void greedyContinuationOf32TokensIsTheReferenceOne(String family) throws Exception {
    JsonNode greedy = reference(family).get("greedy");
    int[] prompt = ids(greedy.get("prompt"));
    int[] expected = ids(greedy.get("continuation"));
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family))) {
      for (boolean cache : new boolean[] {true, false}) {
        SamplingParams params = new SamplingParams(0, 1, 0, expected.length, null, 0, null, cache);
        List<Completion> out = Sampler.generate(model, List.of(prompt), params, new long[] {1});
        assertThat(out.get(0).tokens())
            .as("%s, KV cache %s", family, cache)
            .containsExactly(expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void kvCacheDecodingEqualsTheFullForward(String family) throws Exception {
    JsonNode greedy = reference(family).get("greedy");
    int[] prompt = ids(greedy.get("prompt"));
    int[] continuation = ids(greedy.get("continuation"));
    int total = prompt.length + continuation.length;
    int[] all = new int[total];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family));
        GradMode ignored = GradMode.disabled();
        NDManager m = model.manager().newSubManager();
        KvCache cache = new KvCache(m, model.config().layers(), total)) {
      float[] full = logits(model, all);
      int vocab = model.config().vocabSize();
      double worst = 0;
      for (int t = prompt.length; t <= total; t++) {
        int from = t == prompt.length ? 0 : t - 1; // prefill, then one token per step
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
                    causalMask(m, width),
                    cache,
                    RoutingContext.inference());
        float[] cached = out.get(new NDIndex("0, -1, :")).toFloatArray();
        float[] reference = new float[vocab];
        System.arraycopy(full, (t - 1) * vocab, reference, 0, vocab);
        worst = Math.max(worst, maxDiff(cached, reference));
      }
      assertThat(worst).as(family).isLessThanOrEqualTo(1e-4);
    }
  }

  /** (1, 1, T, T) for a prefill from position 0; a single new token sees every cached key. */
  static NDArray causalMask(NDManager m, int t) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        mask[i * t + j] = -1e9f;
      }
    }
    return m.create(mask, new Shape(1, 1, t, t));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral"})
  void batchedLeftPaddedPromptsGiveTheLogitsOfEachPromptAlone(String family) throws Exception {
    JsonNode sequences = reference(family).get("sequences");
    int b = sequences.size();
    int width = 0;
    for (JsonNode s : sequences) {
      width = Math.max(width, s.size());
    }
    int[][] batch = new int[b][width];
    int[] padding = new int[b];
    for (int i = 0; i < b; i++) {
      int[] s = ids(sequences.get(i));
      padding[i] = width - s.length;
      System.arraycopy(s, 0, batch[i], padding[i], s.length);
    }
    try (PolicyModel model = HfImport.load(FIXTURES.resolve(family));
        GradMode ignored = GradMode.disabled();
        NDManager m = model.manager().newSubManager()) {
      int vocab = model.config().vocabSize();
      float[] together =
          model.logitsLeftPadded(m, batch, padding, RoutingContext.inference()).toFloatArray();
      double worst = 0;
      for (int i = 0; i < b; i++) {
        int[] s = ids(sequences.get(i));
        float[] alone = logits(model, s);
        float[] row = new float[s.length * vocab];
        System.arraycopy(together, (i * width + padding[i]) * vocab, row, 0, row.length);
        worst = Math.max(worst, maxDiff(row, alone));
      }
      assertThat(worst).as(family).isLessThanOrEqualTo(1e-4);
    }
  }
}
