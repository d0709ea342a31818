package io.tributary.model;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant that stays valid until the backward pass. Use these, not DJL's {@code
 * Number} overloads ({@code x.mul(2f)}), wherever a gradient is recorded.
 *
 * <p>Why: DJL's PyTorch engine (0.36) implements {@code mul(Number)}, {@code div(Number)}, {@code
 * maximum(Number)}, {@code minimum(Number)} and {@code pow(Number)} as {@code try (NDArray c =
 * manager.create(n)) { return op(c); }}. On the CPU that constant is a tensor over a direct {@link
 * java.nio.ByteBuffer} ({@code torch::from_blob}, no copy) which only the closed Java array kept
 * alive. Autograd saves the constant for the backward of these ops (d(x·c)/dx = c), so once a
 * garbage collection frees the buffer between forward and backward, the backward multiplies by
 * whatever the allocator wrote there: gradients wrong or non-finite while the loss is fine, more
 * often the more the rest of the JVM allocates. Here the constant lives in the manager of {@code x}
 * (the step's sub-manager), which closes only after the backward.
 */
public final class Scalars {
  private Scalars() {}

  /** A constant 0-d array in the manager of {@code like}, open until that manager closes. */
  public static NDArray constant(NDArray like, float value) {
    return like.getManager().create(value);
  }

  public static NDArray mul(NDArray x, float value) {
    return x.mul(constant(x, value));
  }

  public static NDArray div(NDArray x, float value) {
    return x.div(constant(x, value));
  }

  public static NDArray maximum(NDArray x, float value) {
    return x.maximum(constant(x, value));
  }

  public static NDArray minimum(NDArray x, float value) {
    return x.minimum(constant(x, value));
  }
}
