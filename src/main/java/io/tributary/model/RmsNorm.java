package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/** Root-mean-square layer norm (Zhang &amp; Sennrich 2019): x / rms(x) · g. */
final class RmsNorm extends ModelBlock {
  private final Parameter gain;
  private final float eps;

  RmsNorm(int dim, double eps) {
    this.gain = parameter("gain", Init.ONES, true, dim);
    this.eps = (float) eps;
  }

  /** (..., C) -> (..., C) */
  NDArray forward(NDArray x) {
    NDArray square = x.square(); // (..., C)
    NDArray meanSquare = square.mean(new int[] {-1}, true); // (..., 1)
    square.close(); // read by no backward; a step keeps its arrays until it ends
    NDArray rms = meanSquare.add(eps).sqrt();
    NDArray normalized = x.div(rms);
    NDArray scaled = normalized.mul(gain.getArray());
    normalized.close(); // read only by the gain's gradient, which autograd keeps when it trains
    return scaled;
  }

  /**
   * The same for {@code rows} consecutive rows of C in {@code x}, in Java: one row's norm in a
   * decode step (or each head's, for q/k norm), where libtorch's six ops per call would cost more
   * than the arithmetic.
   */
  float[] forward(float[] x, int rows) {
    float[] g = gain.getArray().toFloatArray();
    int c = g.length;
    if (x.length != rows * c) {
      throw new IllegalArgumentException(
          "RMSNorm of width " + c + ": " + x.length + " values for " + rows + " rows");
    }
    float[] out = new float[x.length];
    for (int r = 0; r < rows; r++) {
      int from = r * c;
      double squares = 0;
      for (int i = 0; i < c; i++) {
        float v = x[from + i];
        squares += v * v;
      }
      float rms = (float) Math.sqrt((float) (squares / c) + eps);
      for (int i = 0; i < c; i++) {
        out[from + i] = x[from + i] / rms * g[i];
      }
    }
    return out;
  }
}
