package io.tributary.hf;

import java.util.Set;

/**
 * The {@code rope_scaling} (or, from newer transformers, {@code rope_parameters}) of config.json,
 * for the two types Tributary implements. Fields a type does not use are null; so are the optional
 * YaRN fields when config.json leaves them to transformers' defaults.
 *
 * @param type llama3 (Llama 3.1's frequency bands) or yarn (DeepSeek-V3)
 * @param factor context extension factor
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param originalMaxPositionEmbeddings context length the model was pretrained with (llama3 always;
 *     yarn: null means max_position_embeddings, as transformers reads it)
 * @param betaFast yarn: null means transformers' 32
 * @param betaSlow yarn: null means transformers' 1
 * @param mscale yarn (DeepSeek): with mscaleAllDim sets the attention scale
 * @param mscaleAllDim yarn (DeepSeek)
 * @param attentionFactor yarn: an explicit attention scale overriding the mscale formula
 */
public record HfRopeScaling(
    Type type,
    double factor,
    Double lowFreqFactor,
    Double highFreqFactor,
    Integer originalMaxPositionEmbeddings,
    Double betaFast,
    Double betaSlow,
    Double mscale,
    Double mscaleAllDim,
    Double attentionFactor) {

  public enum Type {
    LLAMA3,
    YARN
  }

  private static final Set<String> ROPE_KEYS =
      Set.of(
          "type",
          "rope_type",
          "rope_theta",
          "factor",
          "low_freq_factor",
          "high_freq_factor",
          "original_max_position_embeddings",
          "beta_fast",
          "beta_slow",
          "mscale",
          "mscale_all_dim",
          "attention_factor",
          "truncate",
          "partial_rotary_factor");

  /** rope_theta, from the top level or from rope_parameters; {@code fallback} when neither. */
  static double readTheta(ConfigJson c, double fallback) {
    ConfigJson parameters = c.object("rope_parameters");
    if (c.has("rope_theta")) {
      return c.requiredPositiveDouble("rope_theta");
    }
    if (parameters != null && parameters.has("rope_theta")) {
      return parameters.requiredPositiveDouble("rope_theta");
    }
    return fallback;
  }

  /**
   * rope_scaling as transformers 4.x writes it ("type" or "rope_type"), or rope_parameters as newer
   * versions write it (where rope_type "default" means no scaling).
   */
  static HfRopeScaling read(ConfigJson c) {
    ConfigJson scaling = c.object("rope_parameters");
    String key = "rope_parameters";
    if (scaling == null || ropeType(scaling).equals("default")) {
      scaling = c.object("rope_scaling");
      key = "rope_scaling";
    }
    if (scaling == null) {
      return null;
    }
    for (var it = scaling.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!ROPE_KEYS.contains(field)) {
        throw c.unsupported(key, c.get(key), "unknown field '" + field + "'");
      }
    }
    if (scaling.has("partial_rotary_factor")
        && scaling.optionalDouble("partial_rotary_factor") != 1.0) {
      throw c.unsupported(key, c.get(key), "rotary embeddings cover the whole head");
    }
    String type = ropeType(scaling);
    return switch (type) {
      case "default" -> null;
      case "llama3" ->
          new HfRopeScaling(
              HfRopeScaling.Type.LLAMA3,
              scaling.requiredPositiveDouble("factor"),
              scaling.requiredPositiveDouble("low_freq_factor"),
              scaling.requiredPositiveDouble("high_freq_factor"),
              scaling.requiredPositiveInt("original_max_position_embeddings"),
              null,
              null,
              null,
              null,
              null);
      case "yarn" -> {
        if (!scaling.booleanOr("truncate", true)) {
          throw c.unsupported(key, c.get(key), "YaRN without truncation of the correction range");
        }
        yield new HfRopeScaling(
            HfRopeScaling.Type.YARN,
            scaling.requiredPositiveDouble("factor"),
            null,
            null,
            scaling.optionalInt("original_max_position_embeddings"),
            scaling.optionalDouble("beta_fast"),
            scaling.optionalDouble("beta_slow"),
            scaling.optionalDouble("mscale"),
            scaling.optionalDouble("mscale_all_dim"),
            scaling.optionalDouble("attention_factor"));
      }
      default ->
          throw c.unsupported(
              key, c.get(key), "rope type '" + type + "' (supported: llama3, yarn)");
    };
  }

  private static String ropeType(ConfigJson scaling) {
    String type = scaling.stringOr("rope_type", null);
    return type != null ? type : scaling.stringOr("type", "default");
  }
}
