package io.tributary.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The float32 product x W^T (+ b) of a decode step, computed by {@link VectorMatVec} on the
 * weight's memory in place where that is both possible and faster than libtorch: a few rows of x,
 * CPU tensors, float32, a contiguous weight, and no autograd graph being recorded (so a training
 * forward never comes here). Everywhere else {@link #linear} answers null and the caller uses
 * libtorch.
 *
 * <p>On by default where the JVM has the {@code jdk.incubator.vector} module ({@code --add-modules
 * jdk.incubator.vector}, as the launcher and the build give it); {@code
 * -Dtributary.javaMatvec=false} turns it off. A JVM without the module (a TaskManager started by
 * other means) never loads the kernel's class and runs libtorch's product.
 */
public final class DecodeProduct {
  /** The switch, a system property read once. */
  public static final String PROPERTY = "tributary.javaMatvec";

  /**
   * Rows of x up to which the kernel beats oneMKL's product. It reads the weight from memory once
   * for all rows, but its arithmetic grows with them while oneMKL's product does better with more:
   * at four rows the two were level (docs/decode-bandwidth.md, section 5).
   */
  static final long MAX_ROWS = 3;

  /** Set on a thread that is to multiply with libtorch for a while: a benchmark's comparison. */
  private static final ThreadLocal<Boolean> LIBTORCH_HERE = ThreadLocal.withInitial(() -> false);

  /**
   * Set on a thread whose decode steps are to run in libtorch, op by op, with only the products in
   * Java for a while: the benchmark's comparison with {@link MoeTransformer}'s step in Java.
   */
  private static final ThreadLocal<Boolean> STEP_IN_LIBTORCH = ThreadLocal.withInitial(() -> false);

  private DecodeProduct() {}

  /** {@code work}'s value, with every product of this thread meanwhile left to libtorch. */
  public static <T> T withLibtorch(Supplier<T> work) {
    boolean previous = LIBTORCH_HERE.get();
    LIBTORCH_HERE.set(true);
    try {
      return work.get();
    } finally {
      LIBTORCH_HERE.set(previous);
    }
  }

  /** {@code work}'s value, with decode steps of this thread meanwhile run op by op in libtorch. */
  public static <T> T withStepInLibtorch(Supplier<T> work) {
    boolean previous = STEP_IN_LIBTORCH.get();
    STEP_IN_LIBTORCH.set(true);
    try {
      return work.get();
    } finally {
      STEP_IN_LIBTORCH.set(previous);
    }
  }

  /**
   * Whether a decode step of one row may run in Java on this thread (see {@link
   * MoeTransformer#hidden}): the kernel is enabled, neither comparison is in force, and no autograd
   * graph is being recorded.
   */
  static boolean stepInJava() {
    return Holder.ENABLED
        && !LIBTORCH_HERE.get()
        && !STEP_IN_LIBTORCH.get()
        && !JniUtils.isGradMode();
  }

  /** Whether the kernel is in use in this JVM: the module is present and the switch is on. */
  public static boolean enabled() {
    return Holder.ENABLED;
  }

  /**
   * x (..., K) W^T (+ b) with W (N, K), as (..., N) on x's manager, or null where this product is
   * not the kernel's (see the class comment).
   */
  public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    if (!Holder.ENABLED
        || LIBTORCH_HERE.get()
        || !(x instanceof PtNDArray px)
        || !(weight instanceof PtNDArray pw)
        || x.getDataType() != DataType.FLOAT32
        || weight.getDataType() != DataType.FLOAT32
        || (bias != null && bias.getDataType() != DataType.FLOAT32)) {
      return null;
    }
    Shape xShape = x.getShape();
    Shape wShape = weight.getShape();
    if (xShape.dimension() < 1 || wShape.dimension() != 2) {
      return null;
    }
    long k = wShape.get(1);
    long n = wShape.get(0);
    long rows = xShape.size() / Math.max(1, xShape.get(xShape.dimension() - 1));
    if (xShape.get(xShape.dimension() - 1) != k
        || rows < 1
        || rows > MAX_ROWS
        || n * k * Float.BYTES > Integer.MAX_VALUE
        || (bias != null && bias.size() != n)
        || JniUtils.isGradMode()
        || !Device.Type.CPU.equals(x.getDevice().getDeviceType())
        || !Device.Type.CPU.equals(weight.getDevice().getDeviceType())
        || (bias != null && !Device.Type.CPU.equals(bias.getDevice().getDeviceType()))
        || !Holder.contiguous(pw)) {
      return null;
    }
    ByteBuffer w = pw.toByteBuffer(true).order(ByteOrder.nativeOrder()); // a view, no copy
    float[] in;
    if (Holder.contiguous(px)) {
      in = new float[(int) (rows * k)];
      px.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(in);
    } else {
      in = px.toFloatArray(); // a strided view: DJL gathers it
    }
    float[] out = new float[(int) (rows * n)];
    VectorMatVec.multiply(w, (int) n, (int) k, in, (int) rows, out, JniUtils.getNumThreads());
    if (bias != null) {
      float[] b = bias.toFloatArray();
      for (int i = 0; i < out.length; i++) {
        out[i] += b[i % (int) n];
      }
    }
    long[] dims = xShape.getShape().clone(); // Shape hands out its own array
    dims[dims.length - 1] = n;
    // written in place into a tensor libtorch allocated: NDManager.create(float[]) stages the
    // values in a fresh direct buffer first, which cost more than the product of a small matrix
    PtNDArray y =
        JniUtils.createEmptyNdArray(
            px.getManager(), new Shape(dims), DataType.FLOAT32, x.getDevice(), SparseFormat.DENSE);
    y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(out);
    return y;
  }

  /**
   * x W^T (+ b) for one row x of K values, W (N, K): the kernel on W's memory where W is a
   * contiguous float32 CPU tensor, libtorch's product otherwise (N values either way). Only a step
   * that {@link #stepInJava} allowed calls this.
   */
  static float[] vector(float[] x, NDArray weight, NDArray bias) {
    return vectors(x, new NDArray[] {weight}, new NDArray[] {bias})[0];
  }

  /**
   * x W_i^T (+ b_i) for each weight, with one hand-off to the kernel's threads for all of them (see
   * {@link VectorMatVec#multiply(VectorMatVec.Product[], int)}); {@code biases[i]} may be null.
   */
  static float[][] vectors(float[] x, NDArray[] weights, NDArray[] biases) {
    float[][] out = new float[weights.length][];
    boolean[] inKernel = new boolean[weights.length];
    List<VectorMatVec.Product> kernel = new ArrayList<>(weights.length);
    for (int i = 0; i < weights.length; i++) {
      NDArray weight = weights[i];
      NDArray bias = biases[i];
      Shape wShape = weight.getShape();
      int n = (int) wShape.get(0);
      int k = (int) wShape.get(1);
      if (x.length != k) {
        throw new IllegalArgumentException(
            "decode product: x of " + x.length + " values for a weight of shape " + wShape);
      }
      ByteBuffer w = memory(weight);
      if (w == null || (bias != null && bias.getDataType() != DataType.FLOAT32)) {
        // a scratch manager: the product's temporaries must not outlive it on the model's manager
        try (NDManager scratch = weight.getManager().newSubManager()) {
          out[i] =
              ModelBlock.storedLinear(scratch.create(x, new Shape(1, k)), weight, bias)
                  .toFloatArray();
        }
      } else {
        out[i] = new float[n];
        inKernel[i] = true;
        kernel.add(new VectorMatVec.Product(w, n, k, x, 1, out[i]));
      }
    }
    VectorMatVec.multiply(kernel.toArray(new VectorMatVec.Product[0]), JniUtils.getNumThreads());
    for (int i = 0; i < weights.length; i++) {
      if (inKernel[i] && biases[i] != null) {
        float[] b = biases[i].toFloatArray();
        for (int j = 0; j < b.length; j++) {
          out[i][j] += b[j];
        }
      }
    }
    return out;
  }

  /**
   * A native-order view of a contiguous float32 CPU tensor's own memory (writes through it are seen
   * by libtorch), or null for any other tensor.
   */
  static ByteBuffer memory(NDArray array) {
    if (!(array instanceof PtNDArray pt)
        || array.getDataType() != DataType.FLOAT32
        || !Device.Type.CPU.equals(array.getDevice().getDeviceType())
        || array.size() * Float.BYTES > Integer.MAX_VALUE
        || !Holder.contiguous(pt)) {
      return null;
    }
    return pt.toByteBuffer(true).order(ByteOrder.nativeOrder());
  }

  /** A (dims) float32 tensor on {@code like}'s manager and device holding {@code values}. */
  static NDArray array(NDArray like, float[] values, long... dims) {
    // written in place into a tensor libtorch allocated: NDManager.create(float[]) stages the
    // values in a fresh direct buffer first, which cost more than the product of a small matrix
    PtNDArray y =
        JniUtils.createEmptyNdArray(
            (ai.djl.pytorch.engine.PtNDManager) like.getManager(),
            new Shape(dims),
            DataType.FLOAT32,
            like.getDevice(),
            SparseFormat.DENSE);
    y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(values);
    return y;
  }

  /** Initialised on first use, so that a JVM without the module never resolves the kernel. */
  private static final class Holder {
    private static final MethodHandle IS_CONTIGUOUS = isContiguousHandle();
    static final boolean ENABLED =
        Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && IS_CONTIGUOUS != null;

    /**
     * DJL's {@code toByteBuffer(true)} copies a non-contiguous tensor rather than fail, and has no
     * public contiguity test; its JNI library's (package-private) one tells the two apart, so a
     * strided view is left to libtorch instead of being copied on every call.
     */
    private static MethodHandle isContiguousHandle() {
      try {
        Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        MethodHandles.Lookup lookup =
            MethodHandles.privateLookupIn(library, MethodHandles.lookup());
        MethodHandle lib = lookup.findStaticGetter(library, "LIB", library);
        MethodHandle test =
            lookup.findVirtual(
                library, "torchIsContiguous", MethodType.methodType(boolean.class, long.class));
        return MethodHandles.foldArguments(test, lib); // (long handle) -> boolean
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    static boolean contiguous(PtNDArray array) {
      try {
        return (boolean) IS_CONTIGUOUS.invokeExact((long) (Long) array.getHandle());
      } catch (Throwable e) {
        return false;
      }
    }
  }
}
