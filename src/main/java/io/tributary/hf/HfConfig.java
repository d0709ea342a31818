package io.tributary.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.ParameterCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The config.json of a supported architecture, read into the quantities the model is built from.
 * Keys the family always writes and the model cannot guess (widths, layer and head counts, the
 * vocabulary, expert counts, MLA ranks) are required; the others take the default of the family's
 * transformers config class when absent. Every key that would change the computation in a way
 * Tributary does not implement is refused (see {@link HfConfigReader}), never silently ignored.
 *
 * @param modelType the architecture family
 * @param architectures as written (e.g. Qwen3ForCausalLM); empty when absent
 * @param hiddenSize model width
 * @param intermediateSize hidden width of the dense MLP; null when config.json names none
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention when fewer than query heads)
 * @param headDim query/key width of one head (MLA: qk_nope_head_dim + qk_rope_head_dim)
 * @param vocabSize vocabulary
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary base
 * @param ropeScaling null: plain RoPE
 * @param ropeInterleaved rotary pairs are adjacent (x0,x1),(x2,x3) instead of the two halves
 * @param tieWordEmbeddings the output head is the input embedding
 * @param qkvBias q/k/v projections have biases (Qwen2 always; attention_bias elsewhere)
 * @param outputBias the output projection has a bias (attention_bias except in Qwen2)
 * @param qkNorm per-head RMSNorm on queries and keys (Qwen3, Qwen3-MoE)
 * @param maxPositionEmbeddings context length
 * @param torchDtype dtype / torch_dtype as written ("bfloat16"); null when absent
 * @param bosTokenId null when absent
 * @param eosTokenIds empty when absent
 * @param moe null: every layer is dense
 * @param mla null: standard multi-head attention
 * @param json the whole file as read, written back on export
 */
public record HfConfig(
    HfModelType modelType,
    List<String> architectures,
    int hiddenSize,
    Integer intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int vocabSize,
    double rmsNormEps,
    double ropeTheta,
    HfRopeScaling ropeScaling,
    boolean ropeInterleaved,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean qkNorm,
    int maxPositionEmbeddings,
    String torchDtype,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    HfMoe moe,
    HfMla mla,
    ObjectNode json) {

  public static final String FILE_NAME = "config.json";

  public HfConfig {
    architectures = List.copyOf(architectures);
    eosTokenIds = List.copyOf(eosTokenIds);
    json = json.deepCopy();
  }

  /** Reads {@code config.json} of a model directory, or the file itself when given one. */
  public static HfConfig read(Path dirOrFile) {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE_NAME) : dirOrFile;
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new HfFormatException(file + ": missing; a model directory needs its " + FILE_NAME, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(text, file.toString());
  }

  /** Parses the text of a config.json; {@code source} names it in every error. */
  public static HfConfig parse(String text, String source) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new HfFormatException(source + ": not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new HfFormatException(source + ": expected a JSON object");
    }
    return HfConfigReader.read(new ConfigJson(source, (ObjectNode) root), (ObjectNode) root);
  }

  public boolean isMoe() {
    return moe != null;
  }

  /** Whether layer {@code layer} (0-based) has a mixture of experts instead of a dense MLP. */
  public boolean isMoeLayer(int layer) {
    return moe != null && layer >= moe.firstDenseLayers();
  }

  public int denseLayerCount() {
    return moe == null ? numHiddenLayers : Math.min(moe.firstDenseLayers(), numHiddenLayers);
  }

  public int moeLayerCount() {
    return numHiddenLayers - denseLayerCount();
  }

  /** Total and active-per-token parameters of the architecture this config describes. */
  public ParameterCounts parameterCounts() {
    return HfParameterCounts.of(this);
  }

  /** The stored weights' dtype that config.json names, if it names one Tributary can store. */
  public SafetensorsDtype storedDtype() {
    if (torchDtype == null) {
      return null;
    }
    try {
      return SafetensorsDtype.ofTorchName(torchDtype);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
