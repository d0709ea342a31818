package io.tributary.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
