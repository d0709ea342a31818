package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;

/**
 * SwiGLU feed-forward (Shazeer 2020): w2(silu(w1 x) · w3 x). One routed expert, the shared expert
 * and the dense layers' FFN are all this block (DeepSeek-V3 inference/model.py, MLP/Expert).
 */
final class SwiGlu extends ModelBlock implements FeedForward {
  private final Parameter gate;
  private final Parameter up;
  private final Parameter down;

  SwiGlu(int dim, int hidden) {
    gate = parameter("w1", Init.NORMAL, true, hidden, dim);
    up = parameter("w3", Init.NORMAL, true, hidden, dim);
    down = parameter("w2", Init.NORMAL_RESIDUAL, true, dim, hidden);
  }

  /** Every weight and bias here is a projection a decode step streams. */
  @Override
  protected boolean storesInPrecision(Parameter p) {
    return true;
  }

  /** (..., C) -> (..., C) */
  NDArray forward(NDArray x) {
    NDArray g = linear(x, gate, null); // (..., F)
    NDArray u = linear(x, up, null); // (..., F)
    NDArray h = g.mul(Activation.sigmoid(g)).mul(u); // silu(g) · u
    return linear(h, down, null); // (..., C)
  }

  /** One row (C) in Java: a decode step's feed-forward. */
  float[] forward(float[] x) {
    float[][] gateAndUp = linear(x, new Parameter[] {gate, up}, new Parameter[] {null, null});
    float[] g = gateAndUp[0]; // (F)
    float[] u = gateAndUp[1];
    for (int i = 0; i < g.length; i++) {
      float sigmoid = (float) (1.0 / (1.0 + Math.exp(-g[i])));
      g[i] = g[i] * sigmoid * u[i];
    }
    return linear(g, down, null); // (C)
  }

  @Override
  public NDArray forward(NDArray x, RoutingContext context) {
    return forward(x);
  }
}
