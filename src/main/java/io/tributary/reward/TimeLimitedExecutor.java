package io.tributary.reward;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs calls on a fixed pool, each under its own time limit counted from the moment it starts (not
 * from submission, so a queue of fast calls does not eat a slow call's budget).
 *
 * <p>At the limit the result completes with a {@link TimeoutException} and the worker is
 * interrupted. Code that ignores interruption keeps its thread, so the pool grows by one thread for
 * as long as that call runs: the other calls keep their throughput and every submitted call still
 * starts, which is what guarantees that waiting on a result never hangs.
 */
final class TimeLimitedExecutor implements AutoCloseable {
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService alarms;
  private final AtomicInteger overrunning = new AtomicInteger();

  TimeLimitedExecutor(int threads, String threadName) {
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads(threadName));
    this.alarms = Executors.newSingleThreadScheduledExecutor(daemonThreads(threadName + "-alarm"));
  }

  <T> CompletableFuture<T> submit(Callable<T> call, Duration limit) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      pool.execute(() -> new TimedCall<>(call, result).run(limit));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the reward scorer is closed", e);
    }
    return result;
  }

  /** Calls that passed their limit and still hold a thread. */
  int overrunning() {
    return overrunning.get();
  }

  private final class TimedCall<T> {
    private final Callable<T> call;
    private final CompletableFuture<T> result;
    private final Thread worker = Thread.currentThread();
    private boolean finished; // guarded by this
    private boolean overran; // guarded by this

    TimedCall(Callable<T> call, CompletableFuture<T> result) {
      this.call = call;
      this.result = result;
    }

    void run(Duration limit) {
      ScheduledFuture<?> alarm =
          alarms.schedule(() -> expire(limit), limit.toNanos(), TimeUnit.NANOSECONDS);
      try {
        result.complete(call.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        alarm.cancel(false);
        boolean shrink;
        synchronized (this) {
          finished = true;
          shrink = overran;
        }
        if (shrink) {
          resize(-1);
        }
        // an interrupt sent for this call must not hit the worker's next call; none can come
        // after `finished` is set, since expire() checks it under the same lock
        Thread.interrupted();
      }
    }

    private synchronized void expire(Duration limit) {
      if (finished || result.isDone()) {
        return;
      }
      // grow first, so that whoever sees the timeout also sees the replacement thread; if the
      // call completes in between, its finally block still shrinks the pool back
      overran = true;
      resize(+1);
      result.completeExceptionally(
          new TimeoutException("timed out after " + limit.toMillis() + " ms"));
      worker.interrupt();
    }
  }

  private void resize(int delta) {
    synchronized (pool) {
      overrunning.addAndGet(delta);
      if (delta > 0) {
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + delta);
        pool.setCorePoolSize(pool.getCorePoolSize() + delta);
      } else {
        pool.setCorePoolSize(pool.getCorePoolSize() + delta);
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + delta);
      }
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    pool.shutdownNow();
    alarms.shutdownNow();
  }
}
