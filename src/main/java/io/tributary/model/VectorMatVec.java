package io.tributary.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final int HELPERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
  private static final ExecutorService POOL =
      HELPERS == 0
          ? null
          : Executors.newFixedThreadPool(
              HELPERS,
              r -> {
                Thread t = new Thread(r, "tributary-matvec");
                t.setDaemon(true);
                return t;
              });

  private VectorMatVec() {}

  /**
   * y (M, N) row-major = x (M, K) row-major times W^T, W (N, K) row-major in {@code weight} (native
   * byte order from position 0), on up to {@code threads} threads (the caller and pool helpers).
   */
  static void multiply(ByteBuffer weight, int n, int k, float[] x, int m, float[] y, int threads) {
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
    int helpers = Math.min(Math.min(threads - 1, HELPERS), n / rowsPerChunk(k) - 1);
    if (helpers <= 0) {
      rows(weight, k, x, m, n, y, 0, n);
      return;
    }
    Shared shared = new Shared(weight, n, k, x, m, y);
    for (int i = 0; i < helpers; i++) {
      POOL.execute(shared::work);
    }
    shared.work();
    shared.awaitAll();
  }

  private static int rowsPerChunk(int k) {
    return Math.max(4, CHUNK_BYTES / (k * Float.BYTES));
  }

  /**
   * One product shared by threads that claim chunks of rows until none are left. The caller works
   * too and waits only for chunks already claimed, never for a helper that has not started: on a
   * busy machine a helper may be scheduled late, and then finds nothing left to do.
   */
  private static final class Shared {
    private final ByteBuffer weight;
    private final int n;
    private final int k;
    private final float[] x;
    private final int m;
    private final float[] y;
    private final int chunkRows;
    private final int chunks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile RuntimeException failure;

    Shared(ByteBuffer weight, int n, int k, float[] x, int m, float[] y) {
      this.weight = weight;
      this.n = n;
      this.k = k;
      this.x = x;
      this.m = m;
      this.y = y;
      this.chunkRows = rowsPerChunk(k);
      this.chunks = (n + chunkRows - 1) / chunkRows;
    }

    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        int from = c * chunkRows;
        try {
          rows(weight, k, x, m, n, y, from, Math.min(n, from + chunkRows));
        } catch (RuntimeException e) {
          failure = e; // the caller rethrows it rather than wait for a chunk never finished
        } finally {
          done.incrementAndGet(); // publishes this chunk's outputs to the waiting caller
        }
      }
    }

    void awaitAll() {
      int spins = 0;
      while (done.get() < chunks) {
        if (++spins < 1 << 14) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // a helper preempted mid-chunk: let it run
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Outputs of rows [from, to) of W against every row of x. */
  private static void rows(
      ByteBuffer w, int k, float[] x, int m, int n, float[] y, int from, int to) {
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
