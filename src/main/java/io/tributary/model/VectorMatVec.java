package io.tributary.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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

  /**
   * How long a helper waits for the next product, spinning, before it parks. A decode step's
   * products follow each other a few to a few tens of microseconds apart (norms, rotary, the
   * attention over the cache), and waking a parked thread takes about as long as one chunk of a
   * product: spinning that long keeps the helper at hand through a step, and parking after it gives
   * the core back between steps and to other work.
   */
  private static final long SPIN_NANOS = 200_000;

  private static final Helper[] HELPERS = startHelpers();

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
   * rows across all of them, so a decode step's query, key and value products (or gate and up) cost
   * one hand-off to the helpers instead of one each, and no thread idles at the end of one product
   * while the other finishes it.
   */
  static void multiply(Product[] products, int threads) {
    int chunks = 0;
    for (Product p : products) {
      chunks += p.chunks();
    }
    int helpers = Math.min(Math.min(threads - 1, HELPERS.length), chunks - 1);
    if (helpers <= 0) {
      for (Product p : products) {
        rows(p.weight(), p.k(), p.x(), p.m(), p.n(), p.y(), 0, p.n());
      }
      return;
    }
    Shared shared = new Shared(products, chunks);
    for (int i = 0; i < helpers; i++) {
      HELPERS[i].offer(shared);
    }
    shared.work();
    shared.awaitAll();
  }

  private static Helper[] startHelpers() {
    Helper[] helpers = new Helper[Math.max(0, Runtime.getRuntime().availableProcessors() - 1)];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = new Helper("tributary-matvec-" + i);
      helpers[i].start();
    }
    return helpers;
  }

  /**
   * A thread that works on the products offered to it. One job slot: a caller that finds it taken
   * (another thread's product in flight) does its own product without this helper.
   */
  private static final class Helper extends Thread {
    private final AtomicReference<Shared> slot = new AtomicReference<>();
    private volatile boolean parked;

    Helper(String name) {
      super(name);
      setDaemon(true);
    }

    void offer(Shared job) {
      if (slot.compareAndSet(null, job) && parked) {
        LockSupport.unpark(this);
      }
    }

    @Override
    public void run() {
      while (true) {
        Shared job = take();
        job.work();
      }
    }

    private Shared take() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (true) {
        Shared job = slot.getAndSet(null);
        if (job != null) {
          return job;
        }
        if (System.nanoTime() < deadline) {
          Thread.onSpinWait();
          continue;
        }
        // the offer writes the slot before it reads parked, and this reads the slot after
        // writing parked: one of the two sees the other, so no offer is left unwoken
        parked = true;
        if (slot.get() == null) {
          LockSupport.park(this);
        }
        parked = false;
        deadline = System.nanoTime() + SPIN_NANOS;
      }
    }
  }

  /**
   * Products shared by threads that claim chunks of rows until none are left. The caller works too
   * and waits only for chunks already claimed, never for a helper that has not started: on a busy
   * machine a helper may be scheduled late, and then finds nothing left to do.
   */
  private static final class Shared {
    private final Product[] products;
    private final int[] firstChunk; // of each product, in the job's chunk numbering
    private final int chunks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile RuntimeException failure;

    Shared(Product[] products, int chunks) {
      this.products = products;
      this.chunks = chunks;
      firstChunk = new int[products.length];
      for (int i = 1; i < products.length; i++) {
        firstChunk[i] = firstChunk[i - 1] + products[i - 1].chunks();
      }
    }

    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        int i = products.length - 1;
        while (firstChunk[i] > c) {
          i--;
        }
        Product p = products[i];
        int from = (c - firstChunk[i]) * p.chunkRows();
        try {
          rows(
              p.weight(),
              p.k(),
              p.x(),
              p.m(),
              p.n(),
              p.y(),
              from,
              Math.min(p.n(), from + p.chunkRows()));
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
