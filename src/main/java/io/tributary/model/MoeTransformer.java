package io.tributary.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder: embedding, blocks (dense first, then MoE), final norm, LM head. With tied embeddings
 * the embedding matrix is also the head (Press &amp; Wolf 2017), and there is no head parameter.
 */
public final class MoeTransformer extends ModelBlock {
  private final ModelConfig config;
  private final Parameter embedding;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final Parameter head;
  private final Rotary rotary;

  public MoeTransformer(ModelConfig config) {
    this.config = config;
    embedding = parameter("embedding", Init.NORMAL, true, config.vocabSize(), config.dim());
    for (int i = 0; i < config.layers(); i++) {
      blocks.add(addChildBlock("layer" + i, new TransformerBlock(config, i)));
    }
    finalNorm = addChildBlock("final_norm", new RmsNorm(config.dim(), config.normEps()));
    head =
        config.tieEmbeddings()
            ? null
            : parameter("head", Init.NORMAL, true, config.vocabSize(), config.dim());
    rotary =
        new Rotary(
            config.rotaryDim(), config.ropeTheta(), config.ropeScaling(), config.ropeInterleaved());
  }

  /**
   * tokens (B, T) int64, positions (B, T), mask additive (B or 1, 1, T, S) or null; cache null for
   * a full forward -> logits (B, T, V).
   */
  public NDArray forward(
      NDArray tokens, int[][] positions, NDArray mask, KvCache cache, RoutingContext routing) {
    return head(hidden(tokens, positions, mask, cache, routing)); // (B, T, V)
  }

  /** The same forward up to the final norm: the states the LM head reads, (B, T, C). */
  public NDArray hidden(
      NDArray tokens, int[][] positions, NDArray mask, KvCache cache, RoutingContext routing) {
    if (stepsInJava(tokens, cache)) {
      return decodeInJava(tokens, positions[0][0], mask, cache, routing);
    }
    Rotary.Tables tables = rotary.tables(tokens.getManager(), positions);
    NDArray x =
        Embedding.embedding(tokens, embedding.getArray(), SparseFormat.DENSE).singletonOrThrow();
    if (x.getDataType() != DataType.FLOAT32) {
      x = x.toType(DataType.FLOAT32, false); // the residual stream is float32 at any Precision
    }
    for (TransformerBlock block : blocks) {
      x = block.forward(x, tables, mask, cache, routing);
    }
    return finalNorm.forward(x); // (B, T, C)
  }

  /**
   * Whether this forward is a decode step that runs in Java: one new token of one row after a
   * prefill, float32 on CPU, with no autograd recording, standard attention (MLA stays in libtorch)
   * and the kernel enabled. At one token a step is mostly small ops whose per-op dispatch in
   * libtorch cost a quarter of the step beside the products (docs/decode-bandwidth.md, section 6).
   */
  boolean stepsInJava(NDArray tokens, KvCache cache) {
    return cache != null
        && cache.length() > 0
        && config.mla() == null
        && config.dtype() == Precision.FLOAT32
        && tokens.getShape().dimension() == 2
        && tokens.getShape().get(0) == 1
        && tokens.getShape().get(1) == 1
        && Device.Type.CPU.equals(tokens.getDevice().getDeviceType())
        && DecodeProduct.stepInJava();
  }

  /** {@link #hidden} of one token of one row at {@code position}, computed in Java: (1, 1, C). */
  private NDArray decodeInJava(
      NDArray tokens, int position, NDArray mask, KvCache cache, RoutingContext routing) {
    long token = tokens.toLongArray()[0];
    if (token < 0 || token >= config.vocabSize()) {
      throw new IllegalArgumentException(
          "token " + token + " is outside the vocabulary of " + config.vocabSize());
    }
    int c = config.dim();
    NDArray table = embedding.getArray();
    ByteBuffer rows = DecodeProduct.memory(table);
    float[] x = new float[c];
    if (rows != null) {
      rows.asFloatBuffer().get((int) token * c, x); // (V, C) row-major, under 2 GB
    } else {
      try (NDArray row = table.get(token)) {
        x = row.toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
    float[] masks = keyMask(mask, cache.length() + 1);
    Rotary.Angles angles = rotary.angles(position);
    for (TransformerBlock block : blocks) {
      block.decode(x, angles, masks, cache, routing, tokens);
    }
    return DecodeProduct.array(tokens, finalNorm.forward(x, 1), 1, 1, c);
  }

  /**
   * The additive mask of the one query over s keys; one value broadcasts to all, as in libtorch.
   */
  private static float[] keyMask(NDArray mask, int s) {
    float[] values = mask == null ? new float[s] : mask.toFloatArray();
    if (values.length == 1 && s > 1) {
      float only = values[0];
      values = new float[s];
      Arrays.fill(values, only);
    }
    if (values.length != s) {
      throw new IllegalArgumentException(
          "mask of shape " + mask.getShape() + " for one query over " + s + " cached keys");
    }
    return values;
  }

  /** The LM head: hidden states (..., C) -> logits (..., V). */
  public NDArray head(NDArray hidden) {
    Parameter output = head == null ? embedding : head;
    return storedLinear(hidden, output.getArray(), null); // (..., V)
  }

  /** The table (tied: also the head) and the head are the largest matrices a decode step reads. */
  @Override
  protected boolean storesInPrecision(Parameter p) {
    return p == embedding || p == head;
  }

  /** DJL entry point: NDList(tokens (B, T)) -> NDList(logits), causal, positions 0..T-1. */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray tokens = inputs.singletonOrThrow();
    int b = (int) tokens.getShape().get(0);
    int t = (int) tokens.getShape().get(1);
    int[][] positions = new int[b][t];
    for (int[] row : positions) {
      for (int j = 0; j < t; j++) {
        row[j] = j;
      }
    }
    NDArray mask = Masks.causal(tokens.getManager(), t);
    RoutingContext routing = training ? RoutingContext.training(null) : RoutingContext.inference();
    return new NDList(forward(tokens, positions, mask, null, routing));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
  }

  List<MoeFeedForward> moeLayers() {
    List<MoeFeedForward> out = new ArrayList<>();
    for (TransformerBlock block : blocks) {
      if (block.moe() != null) {
        out.add(block.moe());
      }
    }
    return out;
  }

  static DataType tokenType() {
    return DataType.INT64;
  }
}
