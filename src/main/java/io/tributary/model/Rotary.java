package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al. 2021, RoFormer) in the half-split layout of GPT-NeoX and
 * Llama, or interleaved (pairs of adjacent dims) as transformers applies DeepSeek-V3's. Angles are
 * computed on the host from explicit positions, so left-padded prompts in one batch each start at
 * position 0.
 */
final class Rotary {
  private final double[] inverseFrequency; // (D/2)
  private final double attentionFactor; // on cos and sin: YaRN's temperature, else 1
  private final boolean interleaved;

  Rotary(int headDim, double theta) {
    this(headDim, theta, null);
  }

  /** With {@code scaling} null the frequencies are the plain θ^(−2i/D). */
  Rotary(int headDim, double theta, RopeScaling scaling) {
    this(headDim, theta, scaling, false);
  }

  Rotary(int headDim, double theta, RopeScaling scaling, boolean interleaved) {
    double[] frequency = new double[headDim / 2];
    for (int i = 0; i < frequency.length; i++) {
      frequency[i] = 1.0 / Math.pow(theta, 2.0 * i / headDim);
    }
    inverseFrequency = scaling == null ? frequency : scaling.scale(frequency, theta);
    attentionFactor = scaling == null ? 1.0 : scaling.attentionFactor();
    this.interleaved = interleaved;
  }

  /** The inverse frequencies θ_i, one per pair of dimensions. */
  double[] inverseFrequencies() {
    return inverseFrequency.clone();
  }

  /** Cosine and sine tables for positions (B, T), each (B, 1, T, D/2). */
  Tables tables(NDManager manager, int[][] positions) {
    int b = positions.length;
    int t = positions[0].length;
    int half = inverseFrequency.length;
    float[] cos = new float[b * t * half];
    float[] sin = new float[b * t * half];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        for (int k = 0; k < half; k++) {
          double angle = positions[i][j] * inverseFrequency[k];
          int at = (i * t + j) * half + k;
          cos[at] = (float) (Math.cos(angle) * attentionFactor);
          sin[at] = (float) (Math.sin(angle) * attentionFactor);
        }
      }
    }
    Shape shape = new Shape(b, 1, t, half);
    return new Tables(manager.create(cos, shape), manager.create(sin, shape), half, interleaved);
  }

  /** Cosines and sines (D/2 each) of one position, for a decode step in Java. */
  Angles angles(int position) {
    int half = inverseFrequency.length;
    float[] cos = new float[half];
    float[] sin = new float[half];
    for (int k = 0; k < half; k++) {
      double angle = position * inverseFrequency[k]; // as tables() computes it, to the bit
      cos[k] = (float) (Math.cos(angle) * attentionFactor);
      sin[k] = (float) (Math.sin(angle) * attentionFactor);
    }
    return new Angles(cos, sin, interleaved);
  }

  /** One position's rotation: {@link Tables#apply} for a (heads · D) vector in Java. */
  record Angles(float[] cos, float[] sin, boolean interleaved) {
    /** x (heads · D) head-major, rotated; interleaved pairs come out de-interleaved, as apply's. */
    float[] rotate(float[] x, int heads) {
      int half = cos.length;
      int d = 2 * half;
      if (x.length != heads * d) {
        throw new IllegalArgumentException(
            "rotary of width " + d + ": " + x.length + " values for " + heads + " heads");
      }
      float[] out = new float[x.length];
      for (int h = 0; h < heads; h++) {
        int at = h * d;
        for (int i = 0; i < half; i++) {
          float x1 = interleaved ? x[at + 2 * i] : x[at + i];
          float x2 = interleaved ? x[at + 2 * i + 1] : x[at + half + i];
          out[at + i] = x1 * cos[i] - x2 * sin[i]; // each product rounded, as libtorch's mul
          out[at + half + i] = x2 * cos[i] + x1 * sin[i];
        }
      }
      return out;
    }
  }

  record Tables(NDArray cos, NDArray sin, int half, boolean interleaved) {
    /**
     * Rotates (B, H, T, D) by the angles of its positions. Interleaved, pair i is dims (2i, 2i+1),
     * and the result comes out de-interleaved (the even dims' results first, then the odd ones'):
     * transformers' apply_rotary_pos_emb_interleave does the same, and q·k does not see the order
     * as long as queries and keys share it.
     */
    NDArray apply(NDArray x) {
      NDIndex first = interleaved ? new NDIndex("..., 0::2") : new NDIndex("..., :{}", half);
      NDIndex second = interleaved ? new NDIndex("..., 1::2") : new NDIndex("..., {}:", half);
      NDArray x1 = x.get(first); // (B, H, T, D/2)
      NDArray x2 = x.get(second);
      NDArray rotated1 = combine(x1.mul(cos), x2.mul(sin), false);
      NDArray rotated2 = combine(x2.mul(cos), x1.mul(sin), true);
      NDArray rotated = NDArrays.concat(new ai.djl.ndarray.NDList(rotated1, rotated2), -1);
      // the halves are read by no backward; open until the step ends, they would hold two more
      // copies of every query and key (see AttentionWeights)
      rotated1.close();
      rotated2.close();
      return rotated;
    }

    /** a + b or a − b, closing both terms. */
    private static NDArray combine(NDArray a, NDArray b, boolean add) {
      NDArray result = add ? a.add(b) : a.sub(b);
      a.close();
      b.close();
      return result;
    }
  }
}
