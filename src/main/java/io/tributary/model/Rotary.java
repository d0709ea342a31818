package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al. 2021, RoFormer) in the half-split layout of GPT-NeoX and
 * Llama. Angles are computed on the host from explicit positions, so left-padded prompts in one
 * batch each start at position 0.
 */
final class Rotary {
  private final double[] inverseFrequency; // (D/2)

  Rotary(int headDim, double theta) {
    this(headDim, theta, null);
  }

  /** With {@code scaling} null the frequencies are the plain θ^(−2i/D). */
  Rotary(int headDim, double theta, RopeScaling scaling) {
    double[] frequency = new double[headDim / 2];
    for (int i = 0; i < frequency.length; i++) {
      frequency[i] = 1.0 / Math.pow(theta, 2.0 * i / headDim);
    }
    inverseFrequency = scaling == null ? frequency : scaling.scale(frequency);
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
          cos[at] = (float) Math.cos(angle);
          sin[at] = (float) Math.sin(angle);
        }
      }
    }
    Shape shape = new Shape(b, 1, t, half);
    return new Tables(manager.create(cos, shape), manager.create(sin, shape), half);
  }

  record Tables(NDArray cos, NDArray sin, int half) {
    /** Rotates (B, H, T, D) by the angles of its positions. */
    NDArray apply(NDArray x) {
      NDArray x1 = x.get(new NDIndex("..., :{}", half)); // (B, H, T, D/2)
      NDArray x2 = x.get(new NDIndex("..., {}:", half));
      NDArray rotated1 = x1.mul(cos).sub(x2.mul(sin));
      NDArray rotated2 = x2.mul(cos).add(x1.mul(sin));
      return NDArrays.concat(new ai.djl.ndarray.NDList(rotated1, rotated2), -1);
    }
  }
}
