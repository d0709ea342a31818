package io.tributary.hf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a model directory as transformers' save_pretrained does: config.json, then either one
 * {@code model.safetensors} or, when the weights exceed the shard limit, {@code
 * model-00001-of-0000N.safetensors} shards and {@code model.safetensors.index.json} mapping every
 * tensor to its shard. Shards fill in the order the tensors are given (a tensor larger than the
 * limit gets a shard of its own), as huggingface_hub's split_torch_state_dict_into_shards does.
 */
public final class HfCheckpointWriter {
  /** transformers' default max_shard_size, "5GB" (decimal, as it parses it). */
  public static final long DEFAULT_SHARD_LIMIT_BYTES = 5_000_000_000L;

  private HfCheckpointWriter() {}

  /** config.json plus the weights; returns the files written. */
  public static List<Path> write(
      Path dir, HfConfig config, List<OutputTensor> tensors, long shardLimitBytes) {
    return write(dir, config.json(), tensors, shardLimitBytes);
  }

  public static List<Path> write(
      Path dir, ObjectNode configJson, List<OutputTensor> tensors, long shardLimitBytes) {
    List<Path> written = new ArrayList<>();
    List<Path> weights = writeWeights(dir, tensors, shardLimitBytes);
    Path config = dir.resolve(HfConfig.FILE_NAME);
    HfJson.write(config, configJson);
    written.add(config);
    written.addAll(weights);
    return written;
  }

  /** Only the weights (and the index when sharded); returns the files written. */
  public static List<Path> writeWeights(
      Path dir, List<OutputTensor> tensors, long shardLimitBytes) {
    if (shardLimitBytes <= 0) {
      throw new IllegalArgumentException("shard limit " + shardLimitBytes + ": expected > 0 bytes");
    }
    prepareDirectory(dir);
    SafetensorsWriter.layoutOrder(tensors); // refuses a name given twice before anything is written
    List<List<OutputTensor>> shards = plan(tensors, shardLimitBytes);
    List<Path> written = new ArrayList<>();
    if (shards.size() <= 1) {
      Path file = dir.resolve(HfCheckpoint.SINGLE_FILE);
      SafetensorsWriter.write(file, shards.isEmpty() ? List.of() : shards.get(0));
      written.add(file);
      return written;
    }
    TreeMap<String, String> weightMap = new TreeMap<>();
    long totalSize = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path file = dir.resolve(name);
      totalSize += SafetensorsWriter.write(file, shards.get(i));
      for (OutputTensor tensor : shards.get(i)) {
        weightMap.put(tensor.name(), name);
      }
      written.add(file);
    }
    ObjectNode index = JsonNodeFactory.instance.objectNode();
    index.putObject("metadata").put("total_size", totalSize);
    ObjectNode map = index.putObject("weight_map");
    weightMap.forEach(map::put);
    Path indexFile = dir.resolve(HfCheckpoint.INDEX_FILE);
    HfJson.write(indexFile, index);
    written.add(indexFile);
    return written;
  }

  /** Groups tensors, in the order given, into shards of at most {@code limit} bytes each. */
  static List<List<OutputTensor>> plan(List<OutputTensor> tensors, long limit) {
    List<List<OutputTensor>> shards = new ArrayList<>();
    List<OutputTensor> current = new ArrayList<>();
    long size = 0;
    for (OutputTensor tensor : tensors) {
      if (!current.isEmpty() && size + tensor.byteSize() > limit) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(tensor);
      size += tensor.byteSize();
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  /** Copies the tokenizer and generation files {@code from} holds into {@code to}. */
  public static List<Path> copyTokenizerFiles(Path from, Path to) {
    List<Path> copied = new ArrayList<>();
    try {
      Files.createDirectories(to);
      for (String name : HfCheckpoint.TOKENIZER_FILES) {
        Path source = from.resolve(name);
        if (Files.exists(source)) {
          copied.add(Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy tokenizer files from " + from + " to " + to, e);
    }
    return copied;
  }

  /**
   * Weights of an earlier export left beside new ones would be read as part of the model (a stale
   * shard, an index naming files of another size), so a directory that holds any is refused.
   */
  private static void prepareDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        List<String> existing =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".safetensors") || n.equals(HfCheckpoint.INDEX_FILE))
                .sorted()
                .toList();
        if (!existing.isEmpty()) {
          throw new HfFormatException(
              dir
                  + ": already holds model weights "
                  + existing
                  + "; write into an empty directory");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }
}
