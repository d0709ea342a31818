package io.tributary.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads of {@link VectorMatVec}'s products: the caller and one helper per further core,
 * sharing a job of one or more products by claiming chunks of rows. Kept apart from the kernel's
 * arithmetic, as libtorch keeps its thread pool apart from its kernels.
 */
final class MatVecJobs {
  /**
   * How long a helper waits for the next product, spinning, before it parks. A decode step's
   * products follow each other a few to a few tens of microseconds apart (norms, rotary, the
   * attention over the cache), and waking a parked thread takes about as long as one chunk of a
   * product: spinning that long keeps the helper at hand through a step, and parking after it gives
   * the core back between steps and to other work.
   */
  private static final long SPIN_NANOS = 200_000;

  private static final Helper[] HELPERS = startHelpers();

  private MatVecJobs() {}

  /**
   * Runs independent products as one job on up to {@code threads} threads (the caller and helpers):
   * the threads claim chunks of rows across all of them, so a decode step's query, key and value
   * products (or gate and up) cost one hand-off to the helpers instead of one each, and no thread
   * idles at the end of one product while the other finishes it.
   */
  static void run(VectorMatVec.Product[] products, int threads) {
    int chunks = 0;
    for (VectorMatVec.Product p : products) {
      chunks += p.chunks();
    }
    int helpers = Math.min(Math.min(threads - 1, HELPERS.length), chunks - 1);
    if (helpers <= 0) {
      for (VectorMatVec.Product p : products) {
        VectorMatVec.rows(p.weight(), p.k(), p.x(), p.m(), p.n(), p.y(), 0, p.n());
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
   * VectorMatVec.Products shared by threads that claim chunks of rows until none are left. The
   * caller works too and waits only for chunks already claimed, never for a helper that has not
   * started: on a busy machine a helper may be scheduled late, and then finds nothing left to do.
   */
  private static final class Shared {
    private final VectorMatVec.Product[] products;
    private final int[] firstChunk; // of each product, in the job's chunk numbering
    private final int chunks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile RuntimeException failure;

    Shared(VectorMatVec.Product[] products, int chunks) {
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
        VectorMatVec.Product p = products[i];
        int from = (c - firstChunk[i]) * p.chunkRows();
        try {
          VectorMatVec.rows(
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
}
