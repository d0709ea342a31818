package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Additive attention masks: 0 where a key may be attended, {@link #BLOCKED} elsewhere. */
final class Masks {
  /** Large and finite, so a row with every key blocked (left padding) stays NaN-free. */
  static final float BLOCKED = -1e9f;

  private Masks() {}

  /** (1, 1, T, T): position i sees keys 0..i. */
  static NDArray causal(NDManager manager, int t) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        mask[i * t + j] = BLOCKED;
      }
    }
    return manager.create(mask, new Shape(1, 1, t, t));
  }

  /**
   * (B, 1, T, S) for T new positions after S − T cached ones, in left-padded rows whose first
   * {@code padding[b]} keys are padding: query i (absolute S − T + i) sees keys padding[b]..S−T+i.
   */
  static NDArray leftPadded(NDManager manager, int[] padding, int t, int s) {
    int b = padding.length;
    float[] mask = new float[b * t * s];
    for (int row = 0; row < b; row++) {
      for (int i = 0; i < t; i++) {
        int absolute = s - t + i;
        for (int j = 0; j < s; j++) {
          if (j < padding[row] || j > absolute) {
            mask[(row * t + i) * s + j] = BLOCKED;
          }
        }
      }
    }
    return manager.create(mask, new Shape(b, 1, t, s));
  }
}
