package io.tributary.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.chat.ChatTemplate;
import io.tributary.config.ConfigException;
import io.tributary.hf.HfImport;
import io.tributary.hf.HfTokenizers;
import io.tributary.hf.ModelSources;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a run's policy comes from, as the {@code model:} key of a run config gives it: a path to a
 * model YAML (a policy Tributary creates and trains first by the SFT cold start; the YAML may
 * itself say {@code hf: DIR}), or {@code {hf: DIR}}, a Hugging Face model directory imported with
 * its weights, tokenizer, chat template and generation defaults. Every site that builds the run's
 * policy, its tokenizer or its prompts asks the source, so that an imported model and the project's
 * own one go through the same loop.
 */
public sealed interface PolicySource {

  /** {@code model: PATH} or {@code model: {hf: DIR}} as YAML binds it. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PolicySource fromYaml(JsonNode node) {
    if (node != null && node.isTextual() && !node.asText().isBlank()) {
      return of(node.asText());
    }
    if (node != null && node.isObject() && node.path("hf").isTextual()) {
      node.fieldNames()
          .forEachRemaining(
              key -> {
                if (!key.equals("hf") && !key.equals("dtype")) {
                  throw ConfigException.badValue(
                      "model." + key, node.get(key), "only hf: DIR and dtype: float32|float16");
                }
              });
      JsonNode dtype = node.get("dtype");
      return new HuggingFace(
          Path.of(node.get("hf").asText()),
          dtype == null ? null : ModelSources.dtype("model.dtype", dtype.asText()));
    }
    throw ConfigException.badValue(
        "model",
        String.valueOf(node),
        "a model YAML path, or {hf: DIR} (a Hugging Face directory)");
  }

  /**
   * A path as a command line or a config's plain string gives it: a directory is a Hugging Face
   * model, a file a model YAML (which may itself say {@code hf: DIR}).
   */
  static PolicySource of(String path) {
    if (path == null || path.isBlank()) {
      throw ConfigException.badValue("model", path, "a model YAML or a Hugging Face directory");
    }
    Path p = Path.of(path);
    return Files.isDirectory(p) ? new HuggingFace(p) : new ModelYaml(p);
  }

  /**
   * How the imported weights are stored: float32 unless the source says {@code dtype: float16},
   * which only inference honours (rollouts, serve).
   */
  default Precision precision() {
    return resolved() instanceof HuggingFace hf && hf.dtype() != null
        ? hf.dtype()
        : Precision.FLOAT32;
  }

  /**
   * Fails naming {@code key}.dtype where a policy is trained: the learner's forward, gradients and
   * optimizer state are float32 only (float16 would underflow the updates and has no master copy of
   * the weights here).
   */
  default void requireTrainable(String key) {
    Precision p = precision();
    if (p != Precision.FLOAT32) {
      throw ConfigException.badValue(
          key + ".dtype",
          p.name().toLowerCase(java.util.Locale.ROOT),
          "float32 (or no dtype): this policy is trained, and the learner trains in float32 only;"
              + " dtype: float16 is for inference (tributary rollouts, serve --dtype)");
    }
  }

  /** What YAML writes back: the path, or {@code {hf: DIR}}. */
  @JsonValue
  Object toYaml();

  /**
   * The source as it is used: a model YAML that names a Hugging Face directory becomes that
   * directory; fails naming the key when the file or directory is missing.
   */
  PolicySource resolved();

  /**
   * An imported model is already a trained model: it gets no SFT cold start, and a LoRA run's
   * versions name its directory as their base.
   */
  default boolean isImported() {
    return resolved() instanceof HuggingFace;
  }

  /** The architecture, without loading a weight. */
  ModelConfig architecture();

  /** The tokenizer the policy was trained with: the character tokenizer, or tokenizer.json. */
  Tokenizer tokenizer();

  /** The imported model with its weights; empty for a model YAML (its policy comes from SFT). */
  Optional<PolicyModel> importModel();

  /**
   * The chat template of an imported model whose tokenizer_config.json (or chat_template.jinja) has
   * one; the project's own policies are trained on bare task prompts and have none.
   */
  Optional<ChatTemplate> chatTemplate();

  /** generation_config.json's stop tokens and sampling defaults; none for a model YAML. */
  GenerationDefaults generationDefaults();

  /** Where the policy comes from, absolute: the base a LoRA run's adapter versions name. */
  String location();

  /** A model YAML: the architecture's keys, or {@code hf: DIR} alone. */
  record ModelYaml(Path config) implements PolicySource {
    public ModelYaml {
      if (config == null) {
        throw ConfigException.badValue("model", null, "a model YAML path or {hf: DIR}");
      }
    }

    @Override
    public Object toYaml() {
      return config.toString();
    }

    @Override
    public PolicySource resolved() {
      if (!Files.isRegularFile(config)) {
        throw ConfigException.badValue("model", config.toString(), "an existing model YAML");
      }
      Path hf = ModelSources.huggingFaceDirectory(config);
      return hf == null ? this : new HuggingFace(hf, ModelSources.huggingFaceDtype(config));
    }

    private PolicySource imported() {
      PolicySource r = resolved();
      return r == this ? null : r;
    }

    @Override
    public ModelConfig architecture() {
      PolicySource hf = imported();
      return hf == null ? ModelConfig.load(config) : hf.architecture();
    }

    @Override
    public Tokenizer tokenizer() {
      PolicySource hf = imported();
      return hf == null ? new CharTokenizer() : hf.tokenizer();
    }

    @Override
    public Optional<PolicyModel> importModel() {
      PolicySource hf = imported();
      return hf == null ? Optional.empty() : hf.importModel();
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
      PolicySource hf = imported();
      return hf == null ? Optional.empty() : hf.chatTemplate();
    }

    @Override
    public GenerationDefaults generationDefaults() {
      PolicySource hf = imported();
      return hf == null ? GenerationDefaults.none() : hf.generationDefaults();
    }

    @Override
    public String location() {
      PolicySource hf = imported();
      return hf == null ? config.toAbsolutePath().normalize().toString() : hf.location();
    }
  }

  /**
   * A Hugging Face model directory (config.json, safetensors, tokenizer files); {@code dtype} null
   * or float32 loads it in float32, float16 halves the projections' bytes for inference.
   */
  record HuggingFace(Path dir, Precision dtype) implements PolicySource {
    public HuggingFace {
      if (dir == null) {
        throw ConfigException.badValue("model.hf", null, "a Hugging Face model directory");
      }
      if (dtype == Precision.BFLOAT16) {
        throw ConfigException.badValue("model.dtype", "bfloat16", "float32 or float16");
      }
    }

    public HuggingFace(Path dir) {
      this(dir, null);
    }

    @Override
    public Object toYaml() {
      return dtype == null
          ? Map.of("hf", dir.toString())
          : Map.of("hf", dir.toString(), "dtype", dtype.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public PolicySource resolved() {
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        throw ConfigException.badValue(
            "model.hf", dir.toString(), "a Hugging Face model directory with config.json");
      }
      return this;
    }

    @Override
    public ModelConfig architecture() {
      resolved();
      return HfImport.architecture(dir);
    }

    @Override
    public Tokenizer tokenizer() {
      return HfTokenizers.load(dir);
    }

    @Override
    public Optional<PolicyModel> importModel() {
      return Optional.of(HfImport.load(dir, null, dtype));
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
      return ChatTemplates.of(dir);
    }

    @Override
    public GenerationDefaults generationDefaults() {
      return GenerationDefaults.read(dir);
    }

    @Override
    public String location() {
      return dir.toAbsolutePath().normalize().toString();
    }
  }
}
