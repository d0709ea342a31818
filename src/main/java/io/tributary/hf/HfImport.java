package io.tributary.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.HuggingFaceOrigin;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a Hugging Face model directory into a {@link PolicyModel}: config.json becomes the
 * architecture, then every tensor is checked (present, expected, shape) before any is copied, and
 * copied one at a time from the memory-mapped files, converted to the policy's dtype. On any error
 * the half-built model is closed and the error names the file and the tensor.
 */
public final class HfImport {
  /** The small files of a model directory an export writes back verbatim. */
  static final List<String> KEPT_FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "tokenizer_config.json",
          "special_tokens_map.json");

  private HfImport() {}

  /** The architecture of the model in {@code dir}, from its config.json alone. */
  public static ModelConfig architecture(Path dir) {
    Path file = dir.resolve("config.json");
    JsonNode json = readJson(file);
    return HfArchitecture.modelConfig(json, file.toString());
  }

  /** The model in {@code dir} in float32 on the default device. */
  public static PolicyModel load(Path dir) {
    return load(dir, null, null);
  }

  /** The model in {@code dir}; a null device or dtype keeps the default (auto, float32). */
  public static PolicyModel load(Path dir, DeviceChoice device, Precision dtype) {
    if (!Files.isDirectory(dir)) {
      throw new HfFormatException(dir + ": not a Hugging Face model directory");
    }
    ModelConfig architecture = architecture(dir);
    String modelType = readJson(dir.resolve("config.json")).path("model_type").asText();
    try (SafetensorsDirectory source = SafetensorsDirectory.open(dir)) {
      Map<String, String> names = HfWeightNames.of(modelType, architecture);
      checkNames(dir, names, source);
      ModelConfig.Builder b =
          architecture.toBuilder().huggingFace(origin(dir, modelType, names, source));
      if (device != null) {
        b.device(device);
      }
      if (dtype != null) {
        b.dtype(dtype);
      }
      PolicyModel model = PolicyModel.create(b.build(), 0);
      try {
        copy(dir, names, source, model);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  private static void checkNames(Path dir, Map<String, String> names, WeightSource source) {
    Set<String> missing = new TreeSet<>(names.keySet());
    missing.removeAll(source.names());
    Set<String> unexpected = new TreeSet<>(source.names());
    unexpected.removeAll(names.keySet());
    // buffers of old checkpoints that transformers recomputes and ignores as well
    unexpected.removeIf(n -> n.endsWith(".rotary_emb.inv_freq"));
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new HfFormatException(
          dir
              + ": the weights do not fit config.json: "
              + (missing.isEmpty() ? "" : "missing tensors " + missing)
              + (missing.isEmpty() || unexpected.isEmpty() ? "" : "; ")
              + (unexpected.isEmpty() ? "" : "unexpected tensors " + unexpected));
    }
  }

  private static HuggingFaceOrigin origin(
      Path dir, String modelType, Map<String, String> names, WeightSource source) {
    Map<String, Integer> counts = new HashMap<>();
    for (String n : names.keySet()) {
      counts.merge(source.info(n).dtype(), 1, Integer::sum);
    }
    String dtype =
        counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Map<String, String> exceptions = new LinkedHashMap<>();
    for (String n : names.keySet()) {
      String d = source.info(n).dtype();
      if (!d.equals(dtype)) {
        exceptions.put(n, d);
      }
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (String f : KEPT_FILES) {
      Path p = dir.resolve(f);
      if (Files.isRegularFile(p)) {
        try {
          files.put(f, Files.readString(p));
        } catch (IOException e) {
          throw new HfFormatException(p + ": cannot read: " + e.getMessage(), e);
        }
      }
    }
    return new HuggingFaceOrigin(modelType, dtype, exceptions, files);
  }

  private static void copy(
      Path dir, Map<String, String> names, WeightSource source, PolicyModel model) {
    Map<String, Parameter> byPlainName = new HashMap<>();
    for (Pair<String, Parameter> p : model.parameters()) {
      byPlainName.put(HfWeightNames.plain(p.getKey()), p.getValue());
    }
    List<String> order = new ArrayList<>(names.keySet());
    for (String hf : order) {
      Parameter p = byPlainName.get(names.get(hf));
      if (p == null) {
        throw new IllegalStateException("the policy has no parameter " + names.get(hf));
      }
      WeightSource.TensorInfo info = source.info(hf);
      Shape expected = p.getArray().getShape();
      if (!new Shape(info.shape()).equals(expected)) {
        throw new HfFormatException(
            dir.resolve(info.file())
                + ": tensor "
                + hf
                + " has shape "
                + Arrays.toString(info.shape())
                + ", config.json implies "
                + Arrays.toString(expected.getShape()));
      }
    }
    try (GradMode ignored = GradMode.disabled()) {
      for (String hf : order) {
        Parameter p = byPlainName.get(names.get(hf));
        WeightSource.TensorInfo info = source.info(hf);
        NDArray target = p.getArray();
        try (NDManager scratch = model.manager().newSubManager()) {
          DataType stored = dataType(dir.resolve(info.file()), hf, info.dtype());
          ByteBuffer bytes = source.bytes(hf);
          long expectedBytes = new Shape(info.shape()).size() * stored.getNumOfBytes();
          if (bytes.remaining() != expectedBytes) {
            throw new HfFormatException(
                dir.resolve(info.file())
                    + ": tensor "
                    + hf
                    + " has "
                    + bytes.remaining()
                    + " bytes, its shape and dtype need "
                    + expectedBytes);
          }
          NDArray loaded =
              scratch.create(
                  hostBuffer(bytes, stored),
                  new Shape(info.shape()),
                  stored == DataType.BFLOAT16 ? DataType.FLOAT32 : stored);
          if (!loaded.getDevice().equals(target.getDevice())) {
            loaded = loaded.toDevice(target.getDevice(), false);
          }
          if (loaded.getDataType() != target.getDataType()) {
            loaded = loaded.toType(target.getDataType(), false);
          }
          target.set(new NDIndex("..."), loaded);
        }
      }
    }
  }

  /**
   * The tensor's bytes on the heap, bfloat16 widened to float32 there. A heap buffer because DJL's
   * create aborts the JVM on a direct buffer it did not allocate (a mapped file region), and
   * bfloat16 on the host because the CPU libtorch behind DJL 0.36 aborts on bfloat16 arrays.
   */
  private static ByteBuffer hostBuffer(ByteBuffer bytes, DataType stored) {
    if (stored == DataType.BFLOAT16) {
      return BFloat16.widen(bytes);
    }
    byte[] heap = new byte[bytes.remaining()];
    bytes.duplicate().get(heap);
    return ByteBuffer.wrap(heap).order(ByteOrder.LITTLE_ENDIAN);
  }

  static DataType dataType(Path file, String tensor, String dtype) {
    return switch (dtype) {
      case "F32" -> DataType.FLOAT32;
      case "BF16" -> DataType.BFLOAT16;
      case "F16" -> DataType.FLOAT16;
      default ->
          throw new HfFormatException(
              file + ": tensor " + tensor + " has dtype " + dtype + ", expected F32, BF16 or F16");
    };
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new HfFormatException(file + ": missing");
    }
    try {
      return Json.mapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new HfFormatException(file + ": not readable JSON: " + e.getMessage(), e);
    }
  }
}
