package io.tributary.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Attention of one new position over the KV cache, in Java, for a decode step of one row: per
 * key/value head, the scores of its query heads against the cached keys (a product of the cache's
 * (S, D) keys, read in place), softmax, and the mix of the cached values. At one position this is a
 * handful of small products whose cost in libtorch is its per-op dispatch, not its arithmetic
 * (docs/decode-bandwidth.md, section 6).
 */
final class DecodeAttention {
  private DecodeAttention() {}

  /**
   * q (H·D) head-major, keys and values (Hkv, capacity, D) in native memory, the first {@code s}
   * positions filled; mask additive (s) -> softmax(scale · q·K^T + mask) V per query head, (H·D)
   * head-major, query head h reading key/value head h / (H / Hkv) as repeat_kv does.
   */
  static float[] attend(
      float[] q,
      int heads,
      int kvHeads,
      int d,
      ByteBuffer keys,
      ByteBuffer values,
      int capacity,
      int s,
      float[] mask,
      float scale) {
    int group = heads / kvHeads;
    float[] mixed = new float[heads * d];
    float[] scores = new float[group * s];
    for (int g = 0; g < kvHeads; g++) {
      int offset = g * capacity * d * Float.BYTES;
      ByteBuffer k = keys.slice(offset, s * d * Float.BYTES).order(ByteOrder.nativeOrder());
      ByteBuffer v = values.slice(offset, s * d * Float.BYTES).order(ByteOrder.nativeOrder());
      float[] queries = Arrays.copyOfRange(q, g * group * d, (g + 1) * group * d);
      VectorMatVec.multiply(k, s, d, queries, group, scores, 1); // (group, s)
      for (int r = 0; r < group; r++) {
        softmax(scores, r * s, s, scale, mask);
        VectorMatVec.weightedSum(v, s, d, scores, r * s, mixed, (g * group + r) * d);
      }
    }
    return mixed;
  }

  /** scores[from, from + s) = softmax(scale · scores + mask), as AttentionWeights orders it. */
  private static void softmax(float[] scores, int from, int s, float scale, float[] mask) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < s; j++) {
      float x = scores[from + j] * scale + mask[j];
      scores[from + j] = x;
      max = Math.max(max, x);
    }
    float sum = 0;
    for (int j = 0; j < s; j++) {
      float e = (float) Math.exp(scores[from + j] - max);
      scores[from + j] = e;
      sum += e;
    }
    for (int j = 0; j < s; j++) {
      scores[from + j] /= sum;
    }
  }
}
