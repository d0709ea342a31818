package io.tributary.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a Hugging Face model's {@code generation_config.json} says about sampling: the tokens that
 * end a completion ({@code eos_token_id}, one id or a list: Qwen3 stops at both {@code <|im_end|>}
 * and {@code <|endoftext|>}) and the publisher's recommended temperature, top-p and top-k. A key
 * the file does not set is absent here, so the caller's own value stands; {@code do_sample: false}
 * means greedy decoding, as in transformers.
 */
public record GenerationDefaults(
    List<Integer> eosTokenIds, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK) {

  public GenerationDefaults {
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  public static GenerationDefaults none() {
    return new GenerationDefaults(
        List.of(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.empty());
  }

  /** The model directory's {@code generation_config.json}, or {@link #none()} when it has none. */
  public static GenerationDefaults read(Path modelDir) {
    Path file = modelDir.resolve("generation_config.json");
    if (!Files.isRegularFile(file)) {
      return none();
    }
    try {
      return parse(Files.readString(file), file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not readable: " + e.getMessage(), e);
    }
  }

  /**
   * The defaults of the model a policy was imported from, as its checkpoint carries the model
   * directory's generation_config.json; {@link #none()} for a policy Tributary created. Rollout
   * workers and the learner both take them from here, so they agree on the stop tokens.
   */
  public static GenerationDefaults of(ModelConfig config) {
    HuggingFaceOrigin origin = config.huggingFace();
    String text = origin == null ? null : origin.files().get("generation_config.json");
    return text == null ? none() : parse(text, Path.of("generation_config.json"));
  }

  /** {@code text}, the content of {@code file}, which error messages name. */
  public static GenerationDefaults parse(String text, Path file) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    List<Integer> eos = tokenIds(file, root.get("eos_token_id"));
    OptionalDouble temperature = number(file, root, "temperature");
    OptionalDouble topP = number(file, root, "top_p");
    OptionalDouble topKValue = number(file, root, "top_k");
    JsonNode doSample = root.get("do_sample");
    if (doSample != null && !doSample.isNull() && !doSample.isBoolean()) {
      throw new IllegalArgumentException(
          file + ": do_sample is " + doSample + ", expected a boolean");
    }
    if (doSample != null && doSample.isBoolean() && !doSample.booleanValue()) {
      temperature = OptionalDouble.of(0.0); // transformers: greedy whatever the temperature says
    }
    if (topKValue.isPresent()
        && (topKValue.getAsDouble() < 0
            || topKValue.getAsDouble() != Math.rint(topKValue.getAsDouble()))) {
      throw new IllegalArgumentException(
          file + ": top_k is " + topKValue.getAsDouble() + ", expected an integer >= 0");
    }
    if (temperature.isPresent() && temperature.getAsDouble() < 0) {
      throw new IllegalArgumentException(
          file + ": temperature is " + temperature.getAsDouble() + ", expected >= 0");
    }
    if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
      throw new IllegalArgumentException(
          file + ": top_p is " + topP.getAsDouble() + ", expected a number in (0, 1]");
    }
    OptionalInt topK =
        topKValue.isPresent() ? OptionalInt.of((int) topKValue.getAsDouble()) : OptionalInt.empty();
    return new GenerationDefaults(eos, temperature, topP, topK);
  }

  /**
   * {@code base} with the file's stop tokens added and nothing else changed: what a GRPO run takes
   * from the model, whose temperature must be the one the learner divides its logits by.
   */
  public SamplingParams withStopTokens(SamplingParams base) {
    Set<Integer> stops = new LinkedHashSet<>();
    for (int s : base.stopTokens()) {
      stops.add(s);
    }
    stops.addAll(eosTokenIds);
    return new SamplingParams(
        base.temperature(),
        base.topP(),
        base.topK(),
        base.maxNewTokens(),
        stops.stream().mapToInt(Integer::intValue).toArray(),
        base.vocabLimit(),
        base.blockedTokens(),
        base.useKvCache());
  }

  /**
   * {@code base} with these defaults applied: the file's stop tokens added to the base's (the
   * tokenizer's EOS stays one), and its temperature, top-p and top-k where the file sets them. A
   * run config that sets its own values applies them after this.
   */
  public SamplingParams applyTo(SamplingParams base) {
    Set<Integer> stops = new LinkedHashSet<>();
    for (int s : base.stopTokens()) {
      stops.add(s);
    }
    stops.addAll(eosTokenIds);
    int[] stopTokens = stops.stream().mapToInt(Integer::intValue).toArray();
    return new SamplingParams(
        temperature.orElse(base.temperature()),
        topP.orElse(base.topP()),
        topK.orElse(base.topK()),
        base.maxNewTokens(),
        stopTokens,
        base.vocabLimit(),
        base.blockedTokens(),
        base.useKvCache());
  }

  private static List<Integer> tokenIds(Path file, JsonNode node) {
    List<Integer> ids = new ArrayList<>();
    if (node == null || node.isNull()) {
      return ids;
    }
    if (node.isIntegralNumber()) {
      ids.add(node.intValue());
    } else if (node.isArray()) {
      for (JsonNode id : node) {
        if (!id.isIntegralNumber()) {
          throw new IllegalArgumentException(
              file + ": eos_token_id holds " + id + ", expected token ids (integers)");
        }
        ids.add(id.intValue());
      }
    } else {
      throw new IllegalArgumentException(
          file + ": eos_token_id is " + node + ", expected a token id or a list of them");
    }
    return ids;
  }

  private static OptionalDouble number(Path file, JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return OptionalDouble.empty();
    }
    if (!node.isNumber()) {
      throw new IllegalArgumentException(file + ": " + key + " is " + node + ", expected a number");
    }
    return OptionalDouble.of(node.doubleValue());
  }
}
