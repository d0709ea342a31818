package io.tributary.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.GradMode;
import io.tributary.model.HuggingFaceOrigin;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an imported policy back as a Hugging Face model directory: the original config.json and
 * the other small files verbatim, the weights under their Hugging Face names in the dtype each was
 * read in (so an untrained import comes back bit-exact), sharded with an index beyond a size limit,
 * and tokenizer.json from the checkpoint's tokenizer.
 */
public final class HfExport {
  /** transformers' default max_shard_size of save_pretrained. */
  public static final long DEFAULT_SHARD_BYTES = HfCheckpointWriter.DEFAULT_SHARD_LIMIT_BYTES;

  private HfExport() {}

  /**
   * Writes {@code model} into {@code out} (created if needed, holding no weights yet); {@code
   * tokenizer} may be null when the policy has no Hugging Face tokenizer. Refuses a policy that was
   * not imported, and an MoE policy whose router selection bias moved (the Hugging Face layout has
   * no place for it).
   */
  public static void write(
      PolicyModel model, TokenizerSpec tokenizer, Path out, long maxShardBytes) {
    ModelConfig config = model.config();
    HuggingFaceOrigin origin = config.huggingFace();
    if (origin == null) {
      throw new IllegalArgumentException(
          "export: this policy was not imported from a Hugging Face directory, so it has no"
              + " Hugging Face layout to be written in (start training from hf: DIR)");
    }
    Map<String, String> names = HfWeightNames.of(origin.modelType(), config);
    Map<String, Parameter> byPlainName = new HashMap<>();
    for (Pair<String, Parameter> p : model.parameters()) {
      byPlainName.put(HfWeightNames.plain(p.getKey()), p.getValue());
    }
    refuseMovedSelectionBias(origin.modelType(), byPlainName);
    List<OutputTensor> tensors = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      NDArray array = byPlainName.get(e.getValue()).getArray();
      SafetensorsDtype dtype =
          SafetensorsDtype.parse(origin.dtypeOf(e.getKey()), "export of " + e.getKey());
      tensors.add(
          new OutputTensor(
              e.getKey(),
              dtype,
              Arrays.stream(array.getShape().getShape()).boxed().toList(),
              () -> floats(array)));
    }
    HfCheckpointWriter.writeWeights(out, tensors, maxShardBytes);
    try {
      for (Map.Entry<String, String> f : origin.files().entrySet()) {
        Files.writeString(out.resolve(f.getKey()), f.getValue());
      }
      if (tokenizer instanceof TokenizerSpec.HuggingFace hf) {
        Files.writeString(out.resolve("tokenizer.json"), hf.tokenizerJson());
      }
    } catch (IOException e) {
      throw new HfFormatException(out + ": export failed: " + e.getMessage(), e);
    }
  }

  /**
   * A parameter's values as float32, asked for when the writer reaches it (the writer narrows to
   * BF16/F16 on the host as torch does; the CPU libtorch behind DJL 0.36 aborts on bfloat16).
   */
  private static float[] floats(NDArray array) {
    try (GradMode ignored = GradMode.disabled()) {
      if (array.getDataType() == DataType.FLOAT32) {
        return array.toFloatArray();
      }
      try (NDArray f = array.toType(DataType.FLOAT32, true)) {
        return f.toFloatArray();
      }
    }
  }

  private static void refuseMovedSelectionBias(String type, Map<String, Parameter> byPlainName) {
    for (Map.Entry<String, Parameter> e : new TreeMap<>(byPlainName).entrySet()) {
      if (e.getKey().endsWith("_moe_router_selection_bias")) {
        float[] bias = e.getValue().getArray().toFloatArray();
        for (float b : bias) {
          if (b != 0f) {
            throw new IllegalArgumentException(
                "export: "
                    + e.getKey()
                    + " is not zero, and the "
                    + type
                    + " layout has no router selection bias to hold it; the exported model"
                    + " would route differently. Train it with biasUpdateRate: 0");
          }
        }
      }
    }
  }
}
