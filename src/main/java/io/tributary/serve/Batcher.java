package io.tributary.serve;

import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gathers concurrent requests into one sampler batch. One thread owns the policy: it takes the
 * oldest waiting request, waits at most {@code maxWaitMillis} for others to join until {@code
 * maxBatchRows} rows are gathered, and samples all their rows together, each with its own
 * parameters, budget and seed (a row's tokens do not depend on its batch mates). A request whose
 * rows would take the batch past {@code maxBatchRows} waits for the next one.
 */
final class Batcher implements AutoCloseable {

  /** One request's rows and where their tokens go. Called on the sampler thread. */
  interface Job {
    List<int[]> prompts();

    List<SamplingParams> params();

    long[] seeds();

    /** A token of row {@code row} of this job; false ends the row. */
    boolean onToken(int row, int token, float[] logits, int offset, int vocab);

    void onDone(List<Completion> completions);

    void onError(RuntimeException e);
  }

  private final PolicyModel policy;
  private final int maxBatchRows;
  private final long maxWaitMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Deque<Job> waiting = new ArrayDeque<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong rowsSampled = new AtomicLong();
  private final AtomicLong largestBatch = new AtomicLong();
  private final Thread worker;
  private volatile boolean closed;

  Batcher(PolicyModel policy, int maxBatchRows, long maxWaitMillis) {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("max batch: " + maxBatchRows + ", expected >= 1");
    }
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("batch wait: " + maxWaitMillis + " ms, expected >= 0");
    }
    this.policy = policy;
    this.maxBatchRows = maxBatchRows;
    this.maxWaitMillis = maxWaitMillis;
    this.worker = new Thread(this::loop, "tributary-serve-sampler");
    worker.setDaemon(true);
    worker.start();
  }

  void submit(Job job) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the server is shutting down");
      }
      waiting.addLast(job);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sampler batches run so far. */
  long batches() {
    return batches.get();
  }

  long rowsSampled() {
    return rowsSampled.get();
  }

  /** The most rows one batch has held. */
  long largestBatch() {
    return largestBatch.get();
  }

  private void loop() {
    while (!closed) {
      List<Job> batch;
      try {
        batch = gather();
      } catch (InterruptedException e) {
        return;
      }
      if (!batch.isEmpty()) {
        run(batch);
      }
    }
  }

  private List<Job> gather() throws InterruptedException {
    List<Job> batch = new ArrayList<>();
    lock.lock();
    try {
      while (waiting.isEmpty()) {
        if (closed) {
          return batch;
        }
        arrived.await();
      }
      Job first = waiting.pollFirst();
      batch.add(first);
      int rows = first.prompts().size();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
      int scanned = 0;
      while (rows < maxBatchRows && !closed) {
        if (scanned < waiting.size()) {
          // take the next waiting job that fits; the others keep their place in the queue
          Job next = (Job) waiting.toArray()[scanned];
          if (rows + next.prompts().size() <= maxBatchRows) {
            waiting.remove(next);
            batch.add(next);
            rows += next.prompts().size();
          } else {
            scanned++;
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        arrived.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
    return batch;
  }

  private void run(List<Job> batch) {
    List<int[]> prompts = new ArrayList<>();
    List<SamplingParams> params = new ArrayList<>();
    List<long[]> seeds = new ArrayList<>();
    int[] jobOf = new int[batch.stream().mapToInt(j -> j.prompts().size()).sum()];
    int[] start = new int[batch.size()];
    int row = 0;
    for (int j = 0; j < batch.size(); j++) {
      Job job = batch.get(j);
      start[j] = row;
      prompts.addAll(job.prompts());
      params.addAll(job.params());
      seeds.add(job.seeds());
      for (int r = 0; r < job.prompts().size(); r++) {
        jobOf[row++] = j;
      }
    }
    long[] allSeeds = new long[row];
    int at = 0;
    for (long[] s : seeds) {
      System.arraycopy(s, 0, allSeeds, at, s.length);
      at += s.length;
    }
    batches.incrementAndGet();
    rowsSampled.addAndGet(row);
    largestBatch.accumulateAndGet(row, Math::max);
    List<Completion> completions;
    try {
      completions =
          Sampler.generate(
              policy,
              prompts,
              params,
              allSeeds,
              (r, token, logits, offset, vocab) -> {
                int j = jobOf[r];
                return batch.get(j).onToken(r - start[j], token, logits, offset, vocab);
              });
    } catch (RuntimeException e) {
      for (Job job : batch) {
        job.onError(e);
      }
      return;
    }
    for (int j = 0; j < batch.size(); j++) {
      int size = batch.get(j).prompts().size();
      batch.get(j).onDone(completions.subList(start[j], start[j] + size));
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      arrived.signalAll();
      for (Job job : waiting) {
        job.onError(new IllegalStateException("the server is shutting down"));
      }
      waiting.clear();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
