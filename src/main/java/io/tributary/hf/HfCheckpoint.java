package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A model directory as Hugging Face publishes it: config.json, the weights in {@code
 * model.safetensors} or in shards listed by {@code model.safetensors.index.json}, and the tokenizer
 * files. Opening checks the whole directory before anything is used: every shard the index names
 * exists and is valid, every tensor the index names is in the shard it names, no tensor is in two
 * files, no shard holds a tensor the index does not name. Tensors are then one view across shards,
 * each read on its own.
 */
public final class HfCheckpoint implements AutoCloseable {
  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  /** The tokenizer and generation files an export carries over, in the order HF lists them. */
  public static final List<String> TOKENIZER_FILES =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "generation_config.json",
          "chat_template.jinja",
          "vocab.json",
          "merges.txt",
          "tokenizer.model");

  private final Path directory;
  private final HfConfig config;
  private final List<SafetensorsFile> files;
  private final Map<String, StoredTensor> tensors;

  private HfCheckpoint(
      Path directory,
      HfConfig config,
      List<SafetensorsFile> files,
      Map<String, StoredTensor> tensors) {
    this.directory = directory;
    this.config = config;
    this.files = List.copyOf(files);
    this.tensors = tensors;
  }

  public static HfCheckpoint open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new HfFormatException(
          directory + ": not a directory (expected a Hugging Face model directory)");
    }
    HfConfig config = HfConfig.read(directory);
    Path index = directory.resolve(INDEX_FILE);
    Path single = directory.resolve(SINGLE_FILE);
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      Map<String, StoredTensor> tensors;
      if (Files.exists(index)) {
        tensors = openSharded(directory, index, files);
      } else if (Files.exists(single)) {
        SafetensorsFile file = SafetensorsFile.open(single);
        files.add(file);
        tensors = new LinkedHashMap<>();
        for (String name : file.tensorNames()) {
          tensors.put(name, file.tensor(name));
        }
      } else {
        throw new HfFormatException(
            directory + ": neither " + SINGLE_FILE + " nor " + INDEX_FILE + " is there");
      }
      return new HfCheckpoint(directory, config, files, tensors);
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static Map<String, StoredTensor> openSharded(
      Path directory, Path index, List<SafetensorsFile> opened) {
    Map<String, String> weightMap = readWeightMap(index);
    Map<String, List<String>> namesByShard = new TreeMap<>();
    weightMap.forEach(
        (name, shard) -> namesByShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(name));
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    Map<String, Path> seenIn = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> shard : namesByShard.entrySet()) {
      Path path = directory.resolve(shard.getKey()).normalize();
      if (!path.getParent().equals(directory.normalize())) {
        throw new HfFormatException(
            index + ": shard '" + shard.getKey() + "' lies outside the model directory");
      }
      if (!Files.exists(path)) {
        throw new HfFormatException(
            index
                + ": shard "
                + shard.getKey()
                + " is missing (it holds "
                + shard.getValue().size()
                + " tensors, e.g. '"
                + shard.getValue().get(0)
                + "')");
      }
      SafetensorsFile file = SafetensorsFile.open(path);
      opened.add(file);
      for (String name : shard.getValue()) {
        if (!file.contains(name)) {
          throw new HfFormatException(
              index
                  + ": tensor '"
                  + name
                  + "' is mapped to "
                  + path.getFileName()
                  + ", which lacks it");
        }
      }
      for (String name : file.tensorNames()) {
        Path earlier = seenIn.putIfAbsent(name, path);
        if (earlier != null) {
          throw new HfFormatException(
              directory
                  + ": tensor '"
                  + name
                  + "' is in both "
                  + earlier.getFileName()
                  + " and "
                  + path.getFileName());
        }
        String mapped = weightMap.get(name);
        if (!shard.getKey().equals(mapped)) {
          throw new HfFormatException(
              path
                  + ": tensor '"
                  + name
                  + "' is "
                  + (mapped == null
                      ? "not named in " + INDEX_FILE
                      : "mapped by the index to " + mapped));
        }
        tensors.put(name, file.tensor(name));
      }
    }
    return tensors;
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readString(index));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new HfFormatException(index + ": not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new HfFormatException(
          index + ": key 'weight_map' is missing; expected an object of tensor name -> shard file");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new HfFormatException(
            index
                + ": weight_map entry '"
                + entry.getKey()
                + "': expected a file name, got "
                + entry.getValue());
      }
      map.put(entry.getKey(), entry.getValue().textValue());
    }
    return map;
  }

  public Path directory() {
    return directory;
  }

  public HfConfig config() {
    return config;
  }

  /** Every tensor name, shard by shard in file order. */
  public List<String> tensorNames() {
    return List.copyOf(tensors.keySet());
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  public StoredTensor tensor(String name) {
    StoredTensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new HfFormatException(directory + ": no tensor '" + name + "' in the checkpoint");
    }
    return tensor;
  }

  public List<StoredTensor> tensors() {
    return List.copyOf(tensors.values());
  }

  public List<SafetensorsFile> files() {
    return files;
  }

  /**
   * Checks the stored tensors against what config.json says the model holds ({@link
   * HfTensorLayout}): every required tensor present with its shape and a float dtype, nothing else
   * stored. Tensors transformers itself skips on load are tolerated and returned: lm_head beside
   * tied embeddings, DeepSeek-V3's multi-token-prediction layers past num_hidden_layers, and the
   * rotary inv_freq buffers older checkpoints carry. Every problem is named with its file and
   * tensor, all in one exception, before any weight is read.
   */
  public List<String> checkTensors() {
    Map<String, List<Long>> expected = HfTensorLayout.of(config);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<Long>> e : expected.entrySet()) {
      StoredTensor stored = tensors.get(e.getKey());
      if (stored == null) {
        problems.add(
            "tensor '"
                + e.getKey()
                + "' "
                + e.getValue()
                + " is missing (config.json requires it)");
      } else if (!stored.shape().equals(e.getValue())) {
        problems.add(
            stored.where()
                + " has shape "
                + stored.shape()
                + ", config.json requires "
                + e.getValue());
      } else if (!stored.dtype().isFloatingPoint()) {
        problems.add(stored.where() + " is " + stored.dtype() + ", expected a float dtype");
      }
    }
    List<String> ignored = new ArrayList<>();
    for (StoredTensor stored : tensors.values()) {
      if (expected.containsKey(stored.name())) {
        continue;
      }
      if (ignoredOnLoad(stored.name())) {
        ignored.add(stored.name());
      } else {
        problems.add(
            stored.where()
                + " is unexpected: no "
                + config.modelType().configName()
                + " model of this config.json has it");
      }
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 20);
      throw new HfFormatException(
          directory
              + ": "
              + problems.size()
              + " tensor(s) do not fit config.json:\n  "
              + String.join("\n  ", problems.subList(0, shown))
              + (shown < problems.size()
                  ? "\n  ... and " + (problems.size() - shown) + " more"
                  : ""));
    }
    return ignored;
  }

  private boolean ignoredOnLoad(String name) {
    if (name.equals("lm_head.weight") && config.tieWordEmbeddings()) {
      return true;
    }
    if (name.endsWith(".rotary_emb.inv_freq")) {
      return true;
    }
    if (config.modelType() == HfModelType.DEEPSEEK_V3 && name.startsWith("model.layers.")) {
      String index = name.substring("model.layers.".length()).split("\\.", 2)[0];
      try {
        return Integer.parseInt(index) >= config.numHiddenLayers();
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * Elements of all stored tensors (may differ from the architecture's count: e.g. extra layers).
   */
  public long storedParameterCount() {
    return tensors.values().stream().mapToLong(StoredTensor::elementCount).sum();
  }

  /** Stored elements by dtype, e.g. {BF16=...}. */
  public Map<SafetensorsDtype, Long> storedDtypes() {
    Map<SafetensorsDtype, Long> counts = new TreeMap<>();
    for (StoredTensor tensor : tensors.values()) {
      counts.merge(tensor.dtype(), tensor.elementCount(), Long::sum);
    }
    return counts;
  }

  public Optional<Path> tokenizerJson() {
    Path path = directory.resolve("tokenizer.json");
    return Files.exists(path) ? Optional.of(path) : Optional.empty();
  }

  /** The tokenizer and generation files present in the directory. */
  public List<Path> tokenizerFiles() {
    return TOKENIZER_FILES.stream().map(directory::resolve).filter(Files::exists).toList();
  }

  @Override
  public void close() {
    for (SafetensorsFile file : files) {
      file.close();
    }
  }

  @Override
  public String toString() {
    return directory.toString();
  }
}
