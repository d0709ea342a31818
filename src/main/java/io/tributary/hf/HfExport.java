package io.tributary.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.GradMode;
import io.tributary.model.HuggingFaceOrigin;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

  private HfExport() {}

  private record Tensor(String name, Parameter parameter, String dtype, long[] shape, long bytes) {}

  /**
   * Writes {@code model} into {@code out} (created if needed); {@code tokenizer} may be null when
   * the policy has no Hugging Face tokenizer. Refuses a policy that was not imported, and an MoE
   * policy whose router selection bias moved (the Hugging Face layout has no place for it).
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
    List<Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(names).entrySet()) {
      Parameter p = byPlainName.get(e.getValue());
      String dtype = origin.dtypeOf(e.getKey());
      long[] shape = p.getArray().getShape().getShape();
      long bytes = p.getArray().getShape().size() * bytesPerElement(dtype);
      tensors.add(new Tensor(e.getKey(), p, dtype, shape, bytes));
    }
    List<List<Tensor>> shards = shard(tensors, maxShardBytes);
    try {
      Files.createDirectories(out);
      Map<String, String> weightMap = new TreeMap<>();
      long total = 0;
      for (int s = 0; s < shards.size(); s++) {
        String file =
            shards.size() == 1
                ? "model.safetensors"
                : String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
        writeShard(out.resolve(file), shards.get(s));
        for (Tensor t : shards.get(s)) {
          weightMap.put(t.name(), file);
          total += t.bytes();
        }
      }
      if (shards.size() > 1) {
        ObjectNode index = Json.mapper().createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(
            out.resolve("model.safetensors.index.json"),
            Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(index));
      }
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

  private static void refuseMovedSelectionBias(String type, Map<String, Parameter> byPlainName) {
    for (Map.Entry<String, Parameter> e : new TreeMap<>(byPlainName).entrySet()) {
      // deepseek_v3 stores the bias as e_score_correction_bias, so it may move
      if (e.getKey().endsWith("_moe_router_selection_bias") && !type.equals("deepseek_v3")) {
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

  /** Consecutive tensors fill a shard until the next would pass the limit. */
  private static List<List<Tensor>> shard(List<Tensor> tensors, long limit) {
    List<List<Tensor>> shards = new ArrayList<>();
    List<Tensor> current = new ArrayList<>();
    long size = 0;
    for (Tensor t : tensors) {
      if (!current.isEmpty() && size + t.bytes() > limit) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(t);
      size += t.bytes();
    }
    shards.add(current);
    return shards;
  }

  /**
   * One safetensors file: 8-byte little-endian header length, the JSON header padded with spaces to
   * a multiple of 8 (so every tensor starts aligned), then the tensors' bytes in header order.
   */
  private static void writeShard(Path file, List<Tensor> tensors) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    long offset = 0;
    for (Tensor t : tensors) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", t.dtype());
      entry.put("shape", t.shape());
      entry.put("data_offsets", new long[] {offset, offset + t.bytes()});
      header.put(t.name(), entry);
      offset += t.bytes();
    }
    byte[] json = Json.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      stream.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      stream.write(json);
      for (int i = json.length; i < padded; i++) {
        stream.write(' ');
      }
      try (GradMode ignored = GradMode.disabled()) {
        for (Tensor t : tensors) {
          stream.write(bytes(t));
        }
      }
    }
  }

  private static byte[] bytes(Tensor t) {
    DataType target = HfImport.dataType(Path.of("export"), t.name(), t.dtype());
    NDArray array = t.parameter().getArray();
    if (array.getDataType() == target) {
      return raw(array);
    }
    if (target == DataType.BFLOAT16) {
      // on the host: the CPU libtorch behind DJL 0.36 aborts on bfloat16 casts
      float[] values =
          array.getDataType() == DataType.FLOAT32 ? array.toFloatArray() : toFloat32(array);
      ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        out.putShort(HalfPrecision.floatToBf16(v));
      }
      return out.array();
    }
    // torch's float32 -> float16 cast rounds to nearest even, as Tensor.to() does
    try (NDArray converted = array.toType(target, true)) {
      return raw(converted);
    }
  }

  private static float[] toFloat32(NDArray array) {
    try (NDArray f = array.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  private static byte[] raw(NDArray array) {
    ByteBuffer buffer = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static long bytesPerElement(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "BF16", "F16" -> 2;
      default -> throw new IllegalArgumentException("export: unsupported dtype " + dtype);
    };
  }
}
