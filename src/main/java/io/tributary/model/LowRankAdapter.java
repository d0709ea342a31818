package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.Random;

/**
 * The low-rank update of one frozen projection W (out, in): Δ(x) = (alpha/r) · B A dropout(x), A
 * (r, in), B (out, r). A starts Kaiming-uniform and B at zero, as PEFT's default
 * init_lora_weights=True (peft/tuners/lora/layer.py, reset_lora_parameters), so an adapted model
 * starts exactly equal to its base while A already spreads the gradient B receives.
 */
final class LowRankAdapter extends ModelBlock {
  private final Parameter down;
  private final Parameter up;
  private final float scale;
  private final float dropout;
  private final LoraAdapters.Switch state;
  private final long in;
  private final long out;
  private final int rank;

  LowRankAdapter(long in, long out, LoraConfig config, LoraAdapters.Switch state) {
    down = parameter("a", Init.ZEROS, true, config.rank(), in);
    up = parameter("b", Init.ZEROS, true, out, config.rank());
    scale = (float) config.scale();
    dropout = config.dropout().floatValue();
    this.state = state;
    this.in = in;
    this.out = out;
    this.rank = config.rank();
  }

  /**
   * Sets A uniform in ±1/√in — kaiming_uniform_(a=√5) of torch's nn.Linear, which PEFT applies to
   * lora_A — and B to zero, in {@code manager} and {@code type}.
   */
  void initialize(Random rng, NDManager manager, DataType type) {
    Shape aShape = new Shape(rank, in);
    float bound = (float) (1.0 / Math.sqrt(in));
    float[] a = new float[(int) aShape.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = (rng.nextFloat() * 2 - 1) * bound;
    }
    set(down, manager.create(a, aShape), type);
    set(up, manager.zeros(new Shape(out, rank)), type);
  }

  private static void set(Parameter p, NDArray values, DataType type) {
    NDArray array = values.getDataType() == type ? values : values.toType(type, false);
    array.setName(p.getName());
    array.setRequiresGradient(true);
    p.setArray(array);
  }

  /**
   * y + Δ(x) while adapters are on (closing {@code y}, which the caller must not use again), y
   * otherwise. Dropout acts only when autograd records, which is exactly in the trainer's forward:
   * sampling, reference and evaluation forwards all run with recording off and see the
   * deterministic adapter.
   */
  NDArray addTo(NDArray y, NDArray x) {
    if (!state.enabled()) {
      return y;
    }
    NDArray input = x;
    if (dropout > 0 && GradMode.isEnabled()) {
      NDArray keep =
          x.getManager()
              .randomUniform(0f, 1f, x.getShape(), x.getDataType())
              .gte(dropout)
              .toType(x.getDataType(), false);
      input = Scalars.div(x.mul(keep), 1f - dropout); // inverted dropout
    }
    NDArray h = Linear.linear(input, down.getArray()).singletonOrThrow(); // (..., r)
    NDArray delta = Linear.linear(h, up.getArray()).singletonOrThrow(); // (..., out)
    NDArray scaled = Scalars.mul(delta, scale);
    NDArray sum = y.add(scaled);
    // y, delta and scaled are read by no backward (the products keep their inputs, the sum and
    // the scaling need nothing), but a step's arrays live until it ends: open, they would hold
    // three copies of every adapted projection's output for the whole step instead of one
    delta.close();
    scaled.close();
    y.close();
    return sum;
  }

  /**
   * y + Δ(x) for one row in Java, y updated in place, while adapters are on: a decode step's
   * product. No dropout: a step in Java never runs while autograd records.
   */
  float[] addTo(float[] y, float[] x) {
    if (!state.enabled()) {
      return y;
    }
    float[] h = DecodeProduct.vector(x, down.getArray(), null); // (r)
    float[] delta = DecodeProduct.vector(h, up.getArray(), null); // (out)
    for (int i = 0; i < y.length; i++) {
      y[i] += delta[i] * scale;
    }
    return y;
  }

  /** Whether the adapters are switched on. */
  boolean active() {
    return state.enabled();
  }

  /** (alpha/r) · B A, (out, in): the update that merging adds to W. */
  NDArray product() {
    return Scalars.mul(up.getArray().matMul(down.getArray()), scale);
  }

  Parameter a() {
    return down;
  }

  Parameter b() {
    return up;
  }

  int rank() {
    return rank;
  }
}
