package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a policy comes from, as a model YAML names it: the architecture's keys (a policy Tributary
 * creates), or {@code hf: DIR} alone (a Hugging Face model directory, imported with its weights). A
 * relative DIR is taken from the working directory, else from the YAML's own directory.
 */
public final class ModelSources {
  private ModelSources() {}

  /**
   * The Hugging Face directory {@code yaml} names with {@code hf:}, or null for an architecture.
   */
  public static Path huggingFaceDirectory(Path yaml) {
    JsonNode root;
    try {
      root = Yaml.mapper().readTree(Files.readString(yaml));
    } catch (IOException e) {
      throw new ConfigException(yaml + ": cannot read model config: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.has("hf")) {
      return null;
    }
    boolean onlyDtypeBeside = root.size() == 1 || (root.size() == 2 && root.has("dtype"));
    if (!onlyDtypeBeside || !root.get("hf").isTextual()) {
      throw new ConfigException(
          yaml
              + ": hf: expected a model directory, with at most dtype: beside it (the architecture"
              + " comes from its config.json)");
    }
    Path dir = Path.of(root.get("hf").asText());
    if (!dir.isAbsolute() && !Files.isDirectory(dir) && yaml.toAbsolutePath().getParent() != null) {
      dir = yaml.toAbsolutePath().getParent().resolve(dir);
    }
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(
          yaml
              + ": hf: got '"
              + root.get("hf").asText()
              + "', expected a"
              + " Hugging Face model directory");
    }
    return dir;
  }

  /**
   * {@code dtype:} beside {@code hf:} in {@code yaml} (float32 or float16, for inference only), or
   * null where it says none.
   */
  public static Precision huggingFaceDtype(Path yaml) {
    JsonNode root;
    try {
      root = Yaml.mapper().readTree(Files.readString(yaml));
    } catch (IOException e) {
      throw new ConfigException(yaml + ": cannot read model config: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.has("hf") || !root.has("dtype")) {
      return null;
    }
    return dtype(yaml + ": dtype", root.get("dtype").asText());
  }

  /**
   * A Hugging Face source's {@code dtype:}: float32, or float16 for inference only (see {@link
   * Precision}); bfloat16 is refused because DJL 0.36's PyTorch engine cannot make such a tensor.
   */
  public static Precision dtype(String key, String value) {
    return switch (value == null ? "" : value) {
      case "float32" -> Precision.FLOAT32;
      case "float16" -> Precision.FLOAT16;
      default ->
          throw ConfigException.badValue(
              key,
              value,
              "float32 or float16 (bfloat16 is not supported by DJL 0.36's PyTorch engine)");
    };
  }

  /** The architecture {@code yaml} describes or names. */
  public static ModelConfig architecture(Path yaml) {
    Path hf = huggingFaceDirectory(yaml);
    return hf == null ? ModelConfig.load(yaml) : HfImport.architecture(hf);
  }

  /**
   * The policy {@code yaml} describes, freshly initialised from {@code seed}, or the one it names
   * with {@code hf:}, with its weights; {@code device} (null: the config's) is where it runs.
   */
  public static PolicyModel policy(Path yaml, long seed, io.tributary.model.DeviceChoice device) {
    Path hf = huggingFaceDirectory(yaml);
    if (hf != null) {
      return HfImport.load(hf, device, null);
    }
    ModelConfig config = ModelConfig.load(yaml);
    return PolicyModel.create(
        device == null ? config : config.toBuilder().device(device).build(), seed);
  }
}
