package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deepseek_v3 fixture (a tiny random DeepseekV3ForCausalLM with MLA, compressed queries, YaRN
 * with both mscales, interleaved rotary pairs, 1 of 2 expert groups, a shared expert and one dense
 * layer) computes in Tributary what transformers computed: the reference logits, the greedy
 * continuation, with and without the latent KV cache.
 */
class DeepSeekV3ParityTest {
  static final Path DIR = Path.of("src/test/resources/hf/deepseek_v3");
  static JsonNode reference;
  static PolicyModel model;

  @BeforeAll
  static void load() throws IOException {
    reference = Json.mapper().readTree(DIR.resolve("reference.json").toFile());
    JsonNode configJson = Json.mapper().readTree(DIR.resolve("config.json").toFile());
    ModelConfig config =
        DeepSeekV3Architecture.modelConfig(configJson, "config.json").toBuilder()
            .device(DeviceChoice.CPU)
            .build();
    model = PolicyModel.create(config, 0);
    copyWeights(model, readF32(DIR.resolve("model.safetensors")));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void logitsMatchTheReferenceWithin1e4() {
    double worst = 0;
    JsonNode sequences = reference.get("sequences");
    for (int s = 0; s < sequences.size(); s++) {
      int[] tokens = ints(sequences.get(s));
      JsonNode expected = reference.get("logits").get(s);
      try (NDManager step = model.manager().newSubManager()) {
        float[] logits =
            model.logits(step, new int[][] {tokens}, RoutingContext.inference()).toFloatArray();
        int vocab = model.config().vocabSize();
        for (int t = 0; t < tokens.length; t++) {
          for (int v = 0; v < vocab; v++) {
            double diff = Math.abs(logits[t * vocab + v] - expected.get(t).get(v).asDouble());
            worst = Math.max(worst, diff);
          }
        }
      }
    }
    System.out.printf("deepseek_v3 parity: max |logit diff| = %.3g%n", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void greedyContinuationOf32TokensIsIdenticalWithAndWithoutTheLatentCache() {
    int[] prompt = ints(reference.get("greedy").get("prompt"));
    int[] expected = ints(reference.get("greedy").get("continuation"));
    for (boolean cache : new boolean[] {true, false}) {
      SamplingParams greedy = new SamplingParams(0, 1, 0, expected.length, null, 0, null, cache);
      Completion completion =
          Sampler.generate(model, List.of(prompt), greedy, new long[] {1}).get(0);
      assertThat(completion.tokens()).as("KV cache %s", cache).containsExactly(expected);
    }
  }

  @Test
  void batchedLeftPaddedSequencesGiveTheReferenceLogitsOfEachSequenceAlone() {
    JsonNode sequences = reference.get("sequences");
    int batch = sequences.size();
    int longest = 0;
    for (JsonNode s : sequences) {
      longest = Math.max(longest, s.size());
    }
    int[][] rows = new int[batch][longest];
    int[] padding = new int[batch];
    for (int b = 0; b < batch; b++) {
      int[] tokens = ints(sequences.get(b));
      padding[b] = longest - tokens.length;
      java.util.Arrays.fill(rows[b], 2); // the fixture's pad id; masked either way
      System.arraycopy(tokens, 0, rows[b], padding[b], tokens.length);
    }
    int vocab = model.config().vocabSize();
    double worst = 0;
    try (NDManager step = model.manager().newSubManager()) {
      float[] logits =
          model.logitsLeftPadded(step, rows, padding, RoutingContext.inference()).toFloatArray();
      for (int b = 0; b < batch; b++) {
        JsonNode expected = reference.get("logits").get(b);
        for (int t = padding[b]; t < longest; t++) {
          for (int v = 0; v < vocab; v++) {
            float got = logits[(b * longest + t) * vocab + v];
            worst = Math.max(worst, Math.abs(got - expected.get(t - padding[b]).get(v).asDouble()));
          }
        }
      }
    }
    assertThat(worst).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void anSftStepOnTheImportedModelChangesEveryTrainableParameter() throws IOException {
    try (PolicyModel trained = PolicyModel.create(model.config(), 0)) {
      copyWeights(trained, readF32(DIR.resolve("model.safetensors")));
      List<float[]> before = trainableValues(trained);
      SftTrainer trainer = new SftTrainer(trained, OptimizerConfig.of(1e-3, 10), 2);
      int[] prompt = ints(reference.get("greedy").get("prompt"));
      trainer.step(
          List.of(
              new SftExample(prompt, new int[] {84, 70, 16, 1}),
              new SftExample(ints(reference.get("sequences").get(0)), new int[] {5, 9, 1})));
      List<float[]> after = trainableValues(trained);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i))
            .as(trained.trainableParameters().get(i).getKey())
            .isNotEqualTo(before.get(i));
      }
    }
  }

  static List<float[]> trainableValues(PolicyModel model) {
    return model.trainableParameters().stream()
        .map(p -> p.getValue().getArray().toFloatArray())
        .toList();
  }

  @Test
  void everyCheckpointTensorHasItsParameterAndNoneIsLeftOver() throws IOException {
    Map<String, String> names = DeepSeekV3Weights.names(model.config());
    assertThat(readF32(DIR.resolve("model.safetensors")).keySet())
        .containsExactlyInAnyOrderElementsOf(names.keySet());
    assertThat(model.parameters().stream().map(p -> HfWeightNames.plain(p.getKey())).toList())
        .containsExactlyInAnyOrderElementsOf(names.values());
  }

  /** Sets every parameter from the checkpoint tensor the mapping names, checking its shape. */
  static void copyWeights(PolicyModel model, Map<String, Tensor> tensors) {
    Map<String, String> byParameter = new HashMap<>();
    DeepSeekV3Weights.names(model.config()).forEach((hf, tb) -> byParameter.put(tb, hf));
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.parameters()) {
        String hf = byParameter.get(HfWeightNames.plain(p.getKey()));
        Tensor t = tensors.get(hf);
        NDArray target = p.getValue().getArray();
        assertThat(t).as("tensor %s for %s", hf, p.getKey()).isNotNull();
        assertThat(t.shape()).as(hf).containsExactly(target.getShape().getShape());
        target.set(t.values());
      }
    }
  }

  record Tensor(long[] shape, float[] values) {}

  /** The F32 tensors of a safetensors file (8-byte header length, JSON header, raw data). */
  static Map<String, Tensor> readF32(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) bytes.getLong(0);
    JsonNode header = Json.mapper().readTree(new String(bytes.array(), 8, headerLength, "UTF-8"));
    Map<String, Tensor> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      assertThat(e.getValue().get("dtype").asText()).as(e.getKey()).isEqualTo("F32");
      long[] shape = new long[e.getValue().get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.getValue().get("shape").get(i).asLong();
      }
      int begin = 8 + headerLength + e.getValue().get("data_offsets").get(0).asInt();
      int end = 8 + headerLength + e.getValue().get("data_offsets").get(1).asInt();
      float[] values = new float[(end - begin) / 4];
      bytes.slice(begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      out.put(e.getKey(), new Tensor(shape, values));
    }
    return out;
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
