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
}
