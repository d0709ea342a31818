package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.config.Yaml;
import java.nio.file.Path;

/**
 * The policy's architecture, loaded from YAML; keys equal field names. Missing keys take the
 * defaults of the small CPU model; every value is checked here, with the key and value named.
 *
 * @param vocabSize vocabulary V (at least the tokenizer's size)
 * @param dim model width C
 * @param layers transformer blocks
 * @param heads attention heads H (divides dim; dim/heads even for rotary embeddings)
 * @param routedExperts routed experts E in each MoE layer
 * @param topK experts K chosen per token
 * @param sharedExperts always-on experts (one SwiGLU of width sharedExperts·expertHidden)
 * @param expertHidden hidden width F of one fine-grained expert
 * @param denseHidden hidden width of the FFN in the dense layers
 * @param denseLayers the first this-many layers are dense, the rest MoE (DeepSeek-V3 §2.1)
 * @param maxSeqLen longest sequence (prompt + completion)
 * @param scoring router score function
 * @param normalizeTopK renormalise the chosen gates to sum to 1
 * @param routedScale scale of the routed output (DeepSeek-V3's route_scale)
 * @param biasUpdateRate γ of auxiliary-loss-free balancing (DeepSeek-V3 §2.1.2)
 * @param balanceLossWeight α of the sequence-wise balance loss (0 turns it off)
 * @param ropeTheta rotary base
 * @param normEps RMSNorm epsilon
 * @param initStd standard deviation of the normal initialiser
 * @param dtype parameter dtype
 * @param device auto, cpu or gpu
 * @param kvHeads key/value heads of grouped-query attention (Ainslie et al. 2023): each serves
 *     heads/kvHeads query heads; defaults to heads
 * @param headDim width D of one attention head; defaults to dim/heads
 * @param attentionBias biases on the query, key and value projections (Qwen2)
 * @param qkNorm RMSNorm over each query and key head before rotary embeddings (Qwen3)
 * @param tieEmbeddings the input embedding is also the output projection; no separate head
 * @param ropeScaling rotary frequency scaling for long contexts; null for none
 * @param huggingFace for a policy imported from a Hugging Face directory, what export needs to
 *     write it back in that layout; null for a policy Tributary created
 */
public record ModelConfig(
    Integer vocabSize,
    Integer dim,
    Integer layers,
    Integer heads,
    Integer routedExperts,
    Integer topK,
    Integer sharedExperts,
    Integer expertHidden,
    Integer denseHidden,
    Integer denseLayers,
    Integer maxSeqLen,
    ScoringFunction scoring,
    Boolean normalizeTopK,
    Double routedScale,
    Double biasUpdateRate,
    Double balanceLossWeight,
    Double ropeTheta,
    Double normEps,
    Double initStd,
    Precision dtype,
    DeviceChoice device,
    Integer kvHeads,
    Integer headDim,
    Boolean attentionBias,
    Boolean qkNorm,
    Boolean tieEmbeddings,
    RopeScaling ropeScaling,
    HuggingFaceOrigin huggingFace) {

  public ModelConfig {
    vocabSize = orDefault(vocabSize, 128);
    dim = orDefault(dim, 128);
    layers = orDefault(layers, 4);
    heads = orDefault(heads, 4);
    routedExperts = orDefault(routedExperts, 8);
    topK = orDefault(topK, 2);
    sharedExperts = orDefault(sharedExperts, 1);
    expertHidden = orDefault(expertHidden, 128);
    denseHidden = orDefault(denseHidden, 384);
    denseLayers = orDefault(denseLayers, 1);
    maxSeqLen = orDefault(maxSeqLen, 256);
    scoring = orDefault(scoring, ScoringFunction.SOFTMAX);
    normalizeTopK = orDefault(normalizeTopK, true);
    routedScale = orDefault(routedScale, 1.0);
    biasUpdateRate = orDefault(biasUpdateRate, 0.001);
    balanceLossWeight = orDefault(balanceLossWeight, 0.0);
    ropeTheta = orDefault(ropeTheta, 10_000.0);
    normEps = orDefault(normEps, 1e-6);
    initStd = orDefault(initStd, 0.02);
    dtype = orDefault(dtype, Precision.FLOAT32);
    device = orDefault(device, DeviceChoice.AUTO);
    kvHeads = orDefault(kvHeads, heads);
    attentionBias = orDefault(attentionBias, false);
    qkNorm = orDefault(qkNorm, false);
    tieEmbeddings = orDefault(tieEmbeddings, false);

    positive("vocabSize", vocabSize);
    positive("dim", dim);
    positive("layers", layers);
    positive("heads", heads);
    positive("routedExperts", routedExperts);
    positive("topK", topK);
    positive("expertHidden", expertHidden);
    positive("denseHidden", denseHidden);
    positive("maxSeqLen", maxSeqLen);
    if (headDim == null) {
      if (dim % heads != 0) {
        throw badValue("heads", heads, "a divisor of dim=" + dim);
      }
      if ((dim / heads) % 2 != 0) {
        throw badValue(
            "heads",
            heads,
            "a value that leaves an even head width (dim/heads) for rotary embeddings");
      }
      headDim = dim / heads;
    }
    if (headDim <= 0 || headDim % 2 != 0) {
      throw badValue("headDim", headDim, "a positive even number (rotary embeddings pair dims)");
    }
    if (kvHeads <= 0 || heads % kvHeads != 0) {
      throw badValue("kvHeads", kvHeads, "a positive divisor of heads=" + heads);
    }
    if (topK > routedExperts) {
      throw badValue("topK", topK, "at most routedExperts=" + routedExperts);
    }
    if (sharedExperts < 0) {
      throw badValue("sharedExperts", sharedExperts, "0 or more");
    }
    if (denseLayers < 0 || denseLayers > layers) {
      throw badValue("denseLayers", denseLayers, "between 0 and layers=" + layers);
    }
    nonNegative("routedScale", routedScale);
    nonNegative("biasUpdateRate", biasUpdateRate);
    nonNegative("balanceLossWeight", balanceLossWeight);
    if (!(ropeTheta > 1)) {
      throw badValue("ropeTheta", ropeTheta, "a number above 1");
    }
    if (!(normEps > 0 && normEps < 1)) {
      throw badValue("normEps", normEps, "a small positive number");
    }
    if (!(initStd > 0 && initStd < 1)) {
      throw badValue("initStd", initStd, "a positive number below 1");
    }
  }

  /** The default small CPU model. */
  public static ModelConfig defaults() {
    return builder().build();
  }

  public static ModelConfig load(Path yaml) {
    return Yaml.read(yaml, ModelConfig.class);
  }

  public static ModelConfig parse(String yaml, String source) {
    return Yaml.read(yaml, ModelConfig.class, source);
  }

  /** Query heads that share one key/value head. */
  public int queriesPerKvHead() {
    return heads / kvHeads;
  }

  public boolean isMoeLayer(int layer) {
    return layer >= denseLayers;
  }

  public int moeLayers() {
    return layers - denseLayers;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(null);
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw badValue(key, value, "a positive integer");
    }
  }

  private static void nonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw badValue(key, value, "a finite number >= 0");
    }
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }

  /**
   * For tests and code that derive configs; YAML is the user's way in. kvHeads and headDim that
   * equal their defaults follow heads and dim when those change.
   */
  public static final class Builder {
    private final Object[] v = new Object[28];

    private Builder(ModelConfig from) {
      if (from != null) {
        Object[] all = {
          from.vocabSize,
          from.dim,
          from.layers,
          from.heads,
          from.routedExperts,
          from.topK,
          from.sharedExperts,
          from.expertHidden,
          from.denseHidden,
          from.denseLayers,
          from.maxSeqLen,
          from.scoring,
          from.normalizeTopK,
          from.routedScale,
          from.biasUpdateRate,
          from.balanceLossWeight,
          from.ropeTheta,
          from.normEps,
          from.initStd,
          from.dtype,
          from.device,
          from.kvHeads,
          from.headDim,
          from.attentionBias,
          from.qkNorm,
          from.tieEmbeddings,
          from.ropeScaling,
          from.huggingFace
        };
        System.arraycopy(all, 0, v, 0, all.length);
        // values that equal their derived defaults stay derived, so that a config built with
        // other heads or width gets the head layout of that width, as before these keys existed
        if (from.kvHeads.equals(from.heads)) {
          v[21] = null;
        }
        if (from.headDim * from.heads == from.dim) {
          v[22] = null;
        }
      }
    }

    public Builder vocabSize(int x) {
      v[0] = x;
      return this;
    }

    public Builder dim(int x) {
      v[1] = x;
      return this;
    }

    public Builder layers(int x) {
      v[2] = x;
      return this;
    }

    public Builder heads(int x) {
      v[3] = x;
      return this;
    }

    public Builder routedExperts(int x) {
      v[4] = x;
      return this;
    }

    public Builder topK(int x) {
      v[5] = x;
      return this;
    }

    public Builder sharedExperts(int x) {
      v[6] = x;
      return this;
    }

    public Builder expertHidden(int x) {
      v[7] = x;
      return this;
    }

    public Builder denseHidden(int x) {
      v[8] = x;
      return this;
    }

    public Builder denseLayers(int x) {
      v[9] = x;
      return this;
    }

    public Builder maxSeqLen(int x) {
      v[10] = x;
      return this;
    }

    public Builder scoring(ScoringFunction x) {
      v[11] = x;
      return this;
    }

    public Builder normalizeTopK(boolean x) {
      v[12] = x;
      return this;
    }

    public Builder routedScale(double x) {
      v[13] = x;
      return this;
    }

    public Builder biasUpdateRate(double x) {
      v[14] = x;
      return this;
    }

    public Builder balanceLossWeight(double x) {
      v[15] = x;
      return this;
    }

    public Builder ropeTheta(double x) {
      v[16] = x;
      return this;
    }

    public Builder normEps(double x) {
      v[17] = x;
      return this;
    }

    public Builder initStd(double x) {
      v[18] = x;
      return this;
    }

    public Builder dtype(Precision x) {
      v[19] = x;
      return this;
    }

    public Builder device(DeviceChoice x) {
      v[20] = x;
      return this;
    }

    public Builder kvHeads(int x) {
      v[21] = x;
      return this;
    }

    /** Null restores the default dim/heads. */
    public Builder headDim(Integer x) {
      v[22] = x;
      return this;
    }

    public Builder attentionBias(boolean x) {
      v[23] = x;
      return this;
    }

    public Builder qkNorm(boolean x) {
      v[24] = x;
      return this;
    }

    public Builder tieEmbeddings(boolean x) {
      v[25] = x;
      return this;
    }

    public Builder ropeScaling(RopeScaling x) {
      v[26] = x;
      return this;
    }

    public Builder huggingFace(HuggingFaceOrigin x) {
      v[27] = x;
      return this;
    }

    public ModelConfig build() {
      return new ModelConfig(
          (Integer) v[0],
          (Integer) v[1],
          (Integer) v[2],
          (Integer) v[3],
          (Integer) v[4],
          (Integer) v[5],
          (Integer) v[6],
          (Integer) v[7],
          (Integer) v[8],
          (Integer) v[9],
          (Integer) v[10],
          (ScoringFunction) v[11],
          (Boolean) v[12],
          (Double) v[13],
          (Double) v[14],
          (Double) v[15],
          (Double) v[16],
          (Double) v[17],
          (Double) v[18],
          (Precision) v[19],
          (DeviceChoice) v[20],
          (Integer) v[21],
          (Integer) v[22],
          (Boolean) v[23],
          (Boolean) v[24],
          (Boolean) v[25],
          (RopeScaling) v[26],
          (HuggingFaceOrigin) v[27]);
    }
  }
}
