package io.tributary.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a policy imported from a Hugging Face directory keeps so that it can be written back in the
 * same layout after training: the family, the dtype each weight was stored in, and the small JSON
 * files of the directory verbatim (config.json, generation_config.json, tokenizer_config.json,
 * ...). The architecture does not change in training, so the original config.json stays true. Part
 * of {@link ModelConfig}, hence of every checkpoint.
 *
 * @param modelType config.json's model_type
 * @param dtype safetensors dtype of the weights (BF16, F16, F32)
 * @param tensorDtypes the Hugging Face tensors stored in another dtype than {@code dtype}
 * @param files file name -> text of the directory's small files
 */
public record HuggingFaceOrigin(
    String modelType, String dtype, Map<String, String> tensorDtypes, Map<String, String> files) {

  public HuggingFaceOrigin {
    if (modelType == null || modelType.isBlank()) {
      throw new IllegalArgumentException("huggingFace.modelType: missing");
    }
    if (dtype == null || dtype.isBlank()) {
      throw new IllegalArgumentException("huggingFace.dtype: missing");
    }
    tensorDtypes = tensorDtypes == null ? Map.of() : new TreeMap<>(tensorDtypes);
    files = files == null ? Map.of() : new TreeMap<>(files);
  }

  /** The stored dtype of the Hugging Face tensor {@code name}. */
  public String dtypeOf(String name) {
    return tensorDtypes.getOrDefault(name, dtype);
  }

  /** Without the file texts, which can be long. */
  @Override
  public String toString() {
    return "HuggingFaceOrigin[modelType="
        + modelType
        + ", dtype="
        + dtype
        + ", tensorDtypes="
        + tensorDtypes
        + ", files="
        + files.keySet()
        + "]";
  }
}
