package io.tributary.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.DecodeProduct;
import io.tributary.model.GradMode;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The memory bandwidth the engine itself reaches: the ceiling of a decode step at batch 1, which
 * streams every weight once and does two FLOPs per weight, far below the matmul ceiling. Kernels
 * over float32 arrays far larger than any cache, counted after the STREAM benchmark's rules
 * (McCalpin 1995): an in-place scale a *= 1 (a copy's traffic: read a, write a), an in-place add a
 * += b (read a and b, write a) and a sum of a (read only). Beside them, the engine's own
 * matrix-vector product over a matrix of the same bytes, the kernel a decode step spends its time
 * in: not a ceiling of the memory, but of what a decode step can reach with this engine.
 *
 * @param scaleGbPerS bytes read and written per second by a *= 1, 1e9 bytes
 * @param addGbPerS bytes read and written per second by a += b
 * @param readGbPerS bytes read per second by sum(a)
 * @param matVecGbPerS matrix bytes read per second by W·x, W of 1024 columns
 * @param matVecFloat16GbPerS the same with W and x in float16 (a {@code Precision.FLOAT16} policy's
 *     kernel): W holds the same elements in half the bytes
 * @param matVecJavaGbPerS the same product by the Java kernel a float32 decode step uses in place
 *     of libtorch's ({@link DecodeProduct}), null where that kernel is off
 * @param arrayBytes bytes of one array
 */
public record MemoryBandwidth(
    double scaleGbPerS,
    double addGbPerS,
    double readGbPerS,
    double matVecGbPerS,
    double matVecFloat16GbPerS,
    Double matVecJavaGbPerS,
    long arrayBytes) {
  private static final int COLUMNS = 1024;

  /** The best of the memory kernels: what the engine can move, so efficiencies are honest. */
  public double ceilingGbPerS() {
    return Math.max(scaleGbPerS, Math.max(addGbPerS, readGbPerS));
  }

  /** Each rate's median over several measurements (a rate absent from any is absent). */
  public static MemoryBandwidth median(MemoryBandwidth[] runs) {
    Function<ToDoubleFunction<MemoryBandwidth>, Double> m =
        rate -> Measure.median(Arrays.stream(runs).mapToDouble(rate).toArray());
    boolean kernel = Arrays.stream(runs).allMatch(b -> b.matVecJavaGbPerS() != null);
    return new MemoryBandwidth(
        m.apply(MemoryBandwidth::scaleGbPerS),
        m.apply(MemoryBandwidth::addGbPerS),
        m.apply(MemoryBandwidth::readGbPerS),
        m.apply(MemoryBandwidth::matVecGbPerS),
        m.apply(MemoryBandwidth::matVecFloat16GbPerS),
        kernel ? m.apply(MemoryBandwidth::matVecJavaGbPerS) : null,
        runs[0].arrayBytes());
  }

  /** Median rates over {@code repeats} timings, each of a few passes over arrays of that size. */
  public static MemoryBandwidth measure(long arrayBytes, int repeats) {
    long rows = arrayBytes / Float.BYTES / COLUMNS;
    if (rows < 1) {
      throw new IllegalArgumentException(
          "arrayBytes: " + arrayBytes + ", expected at least " + COLUMNS * Float.BYTES);
    }
    long elements = rows * COLUMNS;
    double bytes = (double) elements * Float.BYTES;
    int passes = 4;
    double[] scale = new double[repeats];
    double[] add = new double[repeats];
    double[] read = new double[repeats];
    double[] matVec = new double[repeats];
    double[] matVecHalf = new double[repeats];
    double[] matVecJava = new double[repeats];
    boolean java = DecodeProduct.enabled() && bytes <= Integer.MAX_VALUE; // its buffer's limit
    try (GradMode ignored = GradMode.disabled();
        NDManager manager = NDManager.newBaseManager()) {
      // ones, not zeros: the pages must be written once so that no timing pays first touch
      NDArray a = manager.ones(new Shape(elements));
      NDArray b = manager.ones(new Shape(elements));
      NDArray one = manager.create(1f);
      NDArray matrix = a.reshape(rows, COLUMNS); // a view of a
      NDArray vector = manager.ones(new Shape(COLUMNS));
      NDArray matrixHalf = matrix.toType(DataType.FLOAT16, true);
      NDArray vectorHalf = vector.toType(DataType.FLOAT16, true);
      NDArray row = vector.reshape(1, COLUMNS);
      Runnable[] kernels = {
        () -> a.muli(one),
        () -> a.addi(b),
        () -> a.sum().close(),
        () -> matrix.matMul(vector).close(),
        () -> matrixHalf.matMul(vectorHalf).close(),
        () -> DecodeProduct.linear(row, matrix, null).close()
      };
      double[] traffic = {2 * bytes, 3 * bytes, bytes, bytes, bytes / 2, bytes};
      double[][] rates = {scale, add, read, matVec, matVecHalf, matVecJava};
      int count = java ? kernels.length : kernels.length - 1;
      for (int k = 0; k < count; k++) {
        kernels[k].run(); // warm-up (for the Java kernel, also of the JIT's vector code)
      }
      for (int i = 0; i < repeats; i++) {
        for (int k = 0; k < count; k++) {
          Runnable kernel = kernels[k];
          double seconds =
              Measure.seconds(
                  () -> {
                    for (int p = 0; p < passes; p++) {
                      kernel.run();
                    }
                  });
          rates[k][i] = passes * traffic[k] / seconds / 1e9;
        }
      }
    }
    return new MemoryBandwidth(
        Measure.median(scale),
        Measure.median(add),
        Measure.median(read),
        Measure.median(matVec),
        Measure.median(matVecHalf),
        java ? Measure.median(matVecJava) : null,
        elements * Float.BYTES);
  }
}
