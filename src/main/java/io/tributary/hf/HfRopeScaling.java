package io.tributary.hf;

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
}
