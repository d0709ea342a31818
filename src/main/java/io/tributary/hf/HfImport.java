package io.tributary.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.HuggingFaceOrigin;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  /**
   * The small text files of a model directory an export writes back verbatim; tokenizer.json
   * travels in the checkpoint's tokenizer instead, and the binary tokenizer.model is not kept.
   */
  static final List<String> KEPT_FILES =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(HfConfig.FILE_NAME),
              HfCheckpoint.TOKENIZER_FILES.stream()
                  .filter(f -> !f.equals("tokenizer.json") && !f.equals("tokenizer.model")))
          .toList();

  private HfImport() {}

  /** The policy architecture of the model in {@code dir}, from its config.json alone. */
  public static ModelConfig architecture(Path dir) {
    return HfArchitecture.modelConfig(HfConfig.read(dir));
  }

  /** The model in {@code dir} in float32 on the default device. */
  public static PolicyModel load(Path dir) {
    return load(dir, null, null);
  }

  /** The model in {@code dir}; a null device or dtype keeps the default (auto, float32). */
  public static PolicyModel load(Path dir, DeviceChoice device, Precision dtype) {
    try (HfCheckpoint checkpoint = HfCheckpoint.open(dir)) {
      HfConfig hf = checkpoint.config();
      ModelConfig architecture = HfArchitecture.modelConfig(hf);
      String modelType = hf.modelType().configName();
      Map<String, String> names = HfWeightNames.of(modelType, architecture);
      checkNames(dir, names, checkpoint);
      ModelConfig.Builder b =
          architecture.toBuilder().huggingFace(origin(dir, modelType, names, checkpoint));
      if (device != null) {
        b.device(device);
      }
      if (dtype != null) {
        b.dtype(dtype);
      }
      PolicyModel model = PolicyModel.createZeroed(b.build());
      try {
        copy(names, checkpoint, model);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  /**
   * The stored tensors against config.json ({@link HfCheckpoint#checkTensors}: missing, unexpected
   * and misshapen tensors named with their files, and what transformers itself skips on load, such
   * as DeepSeek-V3's multi-token-prediction layers, tolerated), then the name table against what is
   * stored, so that every weight the policy needs has a tensor to come from.
   */
  private static void checkNames(Path dir, Map<String, String> names, HfCheckpoint source) {
    List<String> ignored = source.checkTensors();
    Set<String> missing = new TreeSet<>(names.keySet());
    missing.removeAll(source.tensorNames());
    Set<String> unexpected = new TreeSet<>(source.tensorNames());
    unexpected.removeAll(names.keySet());
    unexpected.removeAll(ignored);
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
      Path dir, String modelType, Map<String, String> names, HfCheckpoint source) {
    Map<String, Integer> counts = new HashMap<>();
    for (String n : names.keySet()) {
      counts.merge(source.tensor(n).dtype().name(), 1, Integer::sum);
    }
    String dtype =
        counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Map<String, String> exceptions = new LinkedHashMap<>();
    for (String n : names.keySet()) {
      String d = source.tensor(n).dtype().name();
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

  private static void copy(Map<String, String> names, HfCheckpoint source, PolicyModel model) {
    Map<String, Parameter> byPlainName = new HashMap<>();
    for (Pair<String, Parameter> p : model.parameters()) {
      byPlainName.put(HfWeightNames.plain(p.getKey()), p.getValue());
    }
    for (Map.Entry<String, String> e : names.entrySet()) {
      Parameter p = byPlainName.get(e.getValue());
      if (p == null) {
        throw new IllegalStateException("the policy has no parameter " + e.getValue());
      }
      StoredTensor t = source.tensor(e.getKey());
      Shape expected = p.getArray().getShape();
      if (!new Shape(t.shapeArray()).equals(expected)) {
        throw new HfFormatException(
            t.where()
                + " has shape "
                + t.shape()
                + ", config.json implies "
                + Arrays.toString(expected.getShape()));
      }
      dataType(t.file().path(), t.name(), t.dtype().name()); // refused before anything is copied
    }
    try (GradMode ignored = GradMode.disabled()) {
      for (Map.Entry<String, String> e : names.entrySet()) {
        NDArray target = byPlainName.get(e.getValue()).getArray();
        StoredTensor t = source.tensor(e.getKey());
        try (NDManager scratch = model.manager().newSubManager()) {
          // widened to float32 on the host (exact for BF16 and F16): the CPU libtorch behind
          // DJL 0.36 aborts the JVM on bfloat16 arrays
          NDArray loaded = scratch.create(t.readFloats(), new Shape(t.shapeArray()));
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

  static DataType dataType(Path file, String tensor, String dtype) {
    return switch (dtype) {
      case "F32" -> DataType.FLOAT32;
      case "BF16" -> DataType.BFLOAT16;
      case "F16" -> DataType.FLOAT16;
      default ->
          throw new HfFormatException(
              file
                  + ": tensor '"
                  + tensor
                  + "' has dtype "
                  + dtype
                  + ", expected F32, BF16 or F16");
    };
  }
}
