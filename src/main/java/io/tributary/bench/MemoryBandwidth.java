package io.tributary.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.GradMode;

/**
 * The memory bandwidth the engine itself reaches, the ceiling of a decode step at batch 1 (which
 * streams every weight once and does two FLOPs per weight, far below the matmul ceiling). Two
 * kernels over float32 arrays far larger than any cache, after the STREAM benchmark's rules
 * (McCalpin 1995): an in-place add a += b, which moves three arrays' bytes (read a and b, write a),
 * and a sum of a, which only reads, the access pattern of weights in a matrix-vector product.
 *
 * @param addGbPerS bytes read and written per second by a += b, 1e9 bytes
 * @param readGbPerS bytes read per second by sum(a)
 * @param arrayBytes bytes of one array
 */
public record MemoryBandwidth(double addGbPerS, double readGbPerS, long arrayBytes) {

  /** The better of the two: what the engine can reach, so efficiencies against it are honest. */
  public double ceilingGbPerS() {
    return Math.max(addGbPerS, readGbPerS);
  }

  /** Median rates over {@code repeats} timings, each of a few passes over arrays of that size. */
  public static MemoryBandwidth measure(long arrayBytes, int repeats) {
    long elements = arrayBytes / Float.BYTES;
    if (elements < 1) {
      throw new IllegalArgumentException("arrayBytes: " + arrayBytes + ", expected at least 4");
    }
    int passes = 4;
    double[] add = new double[repeats];
    double[] read = new double[repeats];
    try (GradMode ignored = GradMode.disabled();
        NDManager manager = NDManager.newBaseManager()) {
      // ones, not zeros: the pages must be written once so that no timing pays first touch
      NDArray a = manager.ones(new Shape(elements));
      NDArray b = manager.ones(new Shape(elements));
      a.addi(b);
      a.sum().close();
      for (int i = 0; i < repeats; i++) {
        double addSeconds =
            Measure.seconds(
                () -> {
                  for (int k = 0; k < passes; k++) {
                    a.addi(b);
                  }
                });
        add[i] = passes * 3.0 * elements * Float.BYTES / addSeconds / 1e9;
        double readSeconds =
            Measure.seconds(
                () -> {
                  for (int k = 0; k < passes; k++) {
                    a.sum().close();
                  }
                });
        read[i] = passes * (double) elements * Float.BYTES / readSeconds / 1e9;
      }
    }
    return new MemoryBandwidth(Measure.median(add), Measure.median(read), elements * Float.BYTES);
  }
}
