package io.tributary.stream;

import io.tributary.messages.ScoredRollout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes rollouts through and throws once, on the first rollout after a checkpoint has completed
 * (or after 50 rollouts in all if none has), so the failure lands mid-job with some transactions
 * committed and others open. The failure count lives in a static map (a MiniCluster shares the
 * test's JVM) so that the restarted task does not fail again and the test can check that the
 * failure happened.
 */
final class FailOnceAfterCheckpoint
    implements MapFunction<ScoredRollout, ScoredRollout>, CheckpointListener {
  static final ConcurrentHashMap<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

  private final String run;
  private static final int FALLBACK_AFTER = 50;
  private transient boolean checkpointDone;

  FailOnceAfterCheckpoint(String run) {
    this.run = run;
    FAILURES.put(run, new AtomicInteger());
    SEEN.put(run, new AtomicInteger());
  }

  @Override
  public ScoredRollout map(ScoredRollout rollout) throws Exception {
    AtomicInteger failures = FAILURES.get(run);
    if (failures.get() == 0) {
      int seen = SEEN.get(run).incrementAndGet();
      // after a completed checkpoint; or, on a machine too busy to complete one, mid-stream anyway
      if ((checkpointDone || seen >= FALLBACK_AFTER) && failures.compareAndSet(0, 1)) {
        String when = checkpointDone ? "after a completed checkpoint" : "before any checkpoint";
        System.out.println("injecting a failure " + when + ", at " + rollout.rolloutId());
        throw new IllegalStateException("injected failure after " + rollout.rolloutId());
      }
    }
    return rollout;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    checkpointDone = true;
  }
}

/** Lets prompts in at a walking pace, so that checkpoints complete while the job runs. */
final class Throttle<T> implements MapFunction<T, T> {
  private final long millis;

  Throttle(long millis) {
    this.millis = millis;
  }

  @Override
  public T map(T value) throws Exception {
    Thread.sleep(millis);
    return value;
  }
}
