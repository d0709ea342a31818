package io.tributary.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x W^T for a float32 weight W (N rows of K) read in place from native memory, and a few rows
 * of x: the product a decode step spends its time in. Each output is one row of W dotted with one
 * row of x, W streamed once from memory front to back with four independent vector accumulators (a
 * single accumulator is bound by the add latency, not by memory); rows of x go in pairs, each
 * loaded vector of W serving both, and a pair after the first reads the row of W again from L1. On
 * a CPU where libtorch's oneMKL takes its generic path this reads the weight markedly faster
 * (docs/decode-bandwidth.md, section 5).
 *
 * <p>Only {@link DecodeProduct} touches this class, after checking that the incubator module is
 * present: loading it without {@code --add-modules jdk.incubator.vector} fails.
 */
final class VectorMatVec {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  /** Rows of W one claim covers when threads share a product: large enough to amortise a claim. */
  private static final int CHUNK_BYTES = 128 * 1024;

  private VectorMatVec() {}

  /** y (M, N) row-major = x (M, K) row-major times W^T, W (N, K) row-major in {@code weight}. */
  record Product(ByteBuffer weight, int n, int k, float[] x, int m, float[] y) {
    Product {
      if ((long) n * k * Float.BYTES > weight.capacity() || x.length < m * k || y.length < m * n) {
        throw new IllegalArgumentException(
            "matvec: weight of "
                + weight.capacity()
                + " bytes, x of "
                + x.length
                + ", y of "
                + y.length
                + " floats for ("
                + m
                + ", "
                + k
                + ") x ("
                + n
                + ", "
                + k
                + ")^T");
      }
    }

    int chunkRows() {
      return Math.max(4, CHUNK_BYTES / (k * Float.BYTES));
    }

    int chunks() {
      return (n + chunkRows() - 1) / chunkRows();
    }
  }

  /**
   * y (M, N) row-major = x (M, K) row-major times W^T, W (N, K) row-major in {@code weight} (native
   * byte order from position 0), on up to {@code threads} threads (the caller and helpers).
   */
  static void multiply(ByteBuffer weight, int n, int k, float[] x, int m, float[] y, int threads) {
    multiply(new Product[] {new Product(weight, n, k, x, m, y)}, threads);
  }

  /**
   * Independent products as one job on up to {@code threads} threads: the threads claim chunks of
   * rows across all of them (see {@link MatVecJobs}).
   */
  static void multiply(Product[] products, int threads) {
    MatVecJobs.run(products, threads);
  }

  /**
   * out[outOffset, outOffset + d) = the sum over j &lt; rows of p[pOffset + j] · V[j], V (rows, d)
   * row-major in {@code v} (native byte order from position 0): attention's mix of cached values.
   */
  static void weightedSum(
      ByteBuffer v, int rows, int d, float[] p, int pOffset, float[] out, int outOffset) {
    if ((long) rows * d * Float.BYTES > v.capacity()) {
      throw new IllegalArgumentException(
          "weighted sum: " + rows + " rows of " + d + " in " + v.capacity() + " bytes");
    }
    int c = 0;
    for (; c + LANES <= d; c += LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int j = 0; j < rows; j++) {
        FloatVector weight = FloatVector.broadcast(SPECIES, p[pOffset + j]);
        acc = load(v, (j * d + c) * Float.BYTES).fma(weight, acc);
      }
      acc.intoArray(out, outOffset + c);
    }
    for (; c < d; c++) {
      float sum = 0;
      for (int j = 0; j < rows; j++) {
        sum += p[pOffset + j] * v.getFloat((j * d + c) * Float.BYTES);
      }
      out[outOffset + c] = sum;
    }
  }

  /** Outputs of rows [from, to) of W against every row of x. */
  static void rows(ByteBuffer w, int k, float[] x, int m, int n, float[] y, int from, int to) {
    for (int r = from; r < to; r++) {
      int rowOffset = r * k * Float.BYTES;
      int i = 0;
      for (; i + 2 <= m; i += 2) {
        dot2(w, rowOffset, x, i * k, k, y, i * n + r, n);
      }
      if (i < m) {
        y[i * n + r] = dot(w, rowOffset, x, i * k, k);
      }
    }
  }

  private static float dot(ByteBuffer w, int wOffset, float[] x, int xOffset, int k) {
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = FloatVector.zero(SPECIES);
    FloatVector a2 = FloatVector.zero(SPECIES);
    FloatVector a3 = FloatVector.zero(SPECIES);
    int c = 0;
    for (; c + 4 * LANES <= k; c += 4 * LANES) {
      int o = wOffset + c * Float.BYTES;
      int xo = xOffset + c;
      a0 = load(w, o).fma(FloatVector.fromArray(SPECIES, x, xo), a0);
      a1 = load(w, o + LANES * Float.BYTES).fma(FloatVector.fromArray(SPECIES, x, xo + LANES), a1);
      a2 =
          load(w, o + 2 * LANES * Float.BYTES)
              .fma(FloatVector.fromArray(SPECIES, x, xo + 2 * LANES), a2);
      a3 =
          load(w, o + 3 * LANES * Float.BYTES)
              .fma(FloatVector.fromArray(SPECIES, x, xo + 3 * LANES), a3);
    }
    for (; c + LANES <= k; c += LANES) {
      a0 =
          load(w, wOffset + c * Float.BYTES)
              .fma(FloatVector.fromArray(SPECIES, x, xOffset + c), a0);
    }
    float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; c < k; c++) {
      sum += w.getFloat(wOffset + c * Float.BYTES) * x[xOffset + c];
    }
    return sum;
  }

  /**
   * One row of W against rows xOffset/k to xOffset/k + 1 of x, each vector of W loaded once for
   * both: y[yIndex], y[yIndex + n].
   */
  private static void dot2(
      ByteBuffer w, int wOffset, float[] x, int xOffset, int k, float[] y, int yIndex, int n) {
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = FloatVector.zero(SPECIES);
    FloatVector b0 = FloatVector.zero(SPECIES);
    FloatVector b1 = FloatVector.zero(SPECIES);
    int x1 = xOffset + k;
    int c = 0;
    for (; c + 2 * LANES <= k; c += 2 * LANES) {
      FloatVector w0 = load(w, wOffset + c * Float.BYTES);
      FloatVector w1 = load(w, wOffset + (c + LANES) * Float.BYTES);
      a0 = w0.fma(FloatVector.fromArray(SPECIES, x, xOffset + c), a0);
      a1 = w1.fma(FloatVector.fromArray(SPECIES, x, xOffset + c + LANES), a1);
      b0 = w0.fma(FloatVector.fromArray(SPECIES, x, x1 + c), b0);
      b1 = w1.fma(FloatVector.fromArray(SPECIES, x, x1 + c + LANES), b1);
    }
    for (; c + LANES <= k; c += LANES) {
      FloatVector w0 = load(w, wOffset + c * Float.BYTES);
      a0 = w0.fma(FloatVector.fromArray(SPECIES, x, xOffset + c), a0);
      b0 = w0.fma(FloatVector.fromArray(SPECIES, x, x1 + c), b0);
    }
    float sa = a0.add(a1).reduceLanes(VectorOperators.ADD);
    float sb = b0.add(b1).reduceLanes(VectorOperators.ADD);
    for (; c < k; c++) {
      float wc = w.getFloat(wOffset + c * Float.BYTES);
      sa += wc * x[xOffset + c];
      sb += wc * x[x1 + c];
    }
    y[yIndex] = sa;
    y[yIndex + n] = sb;
  }

  private static FloatVector load(ByteBuffer w, int offset) {
    return FloatVector.fromByteBuffer(SPECIES, w, offset, ORDER);
  }
}
