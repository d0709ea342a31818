package io.tributary.rollout;

import io.tributary.messages.ScoredGroup;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes groups through and, once the test has armed it, throws on the next group, once. The test
 * arms it after reading committed rollouts back, so the failure comes after a completed checkpoint
 * whose transactions are committed, with the next ones still open. What happened is kept in static
 * {@link Events} keyed by run (a MiniCluster shares the test's JVM): so the restarted task does not
 * fail again, and the test can check when it failed and that the new task instances were restored
 * from a checkpoint.
 */
final class FailOnceWhenArmed
    implements MapFunction<ScoredGroup, ScoredGroup>, CheckpointListener, CheckpointedFunction {

  static final class Events {
    private final AtomicBoolean armed = new AtomicBoolean();
    final AtomicInteger failures = new AtomicInteger();

    /** The newest checkpoint the failing instance had seen complete; -1 if none. */
    final AtomicLong lastCompletedCheckpointAtFailure = new AtomicLong(-1);

    /** The checkpoint each restored instance started from, the smallest of them; -1 if none. */
    final AtomicLong restoredFromCheckpoint = new AtomicLong(-1);

    final AtomicInteger restoredInstances = new AtomicInteger();
  }

  private static final ConcurrentHashMap<String, Events> RUNS = new ConcurrentHashMap<>();

  private final String run;
  private transient long lastCompletedCheckpoint = -1;

  FailOnceWhenArmed(String run) {
    this.run = run;
    RUNS.put(run, new Events());
  }

  static Events events(String run) {
    return RUNS.get(run);
  }

  static void arm(String run) {
    RUNS.get(run).armed.set(true);
  }

  @Override
  public ScoredGroup map(ScoredGroup group) {
    Events events = RUNS.get(run);
    if (events.armed.get() && events.failures.compareAndSet(0, 1)) {
      events.lastCompletedCheckpointAtFailure.set(lastCompletedCheckpoint);
      throw new IllegalStateException(
          "injected failure at "
              + group.groupId()
              + ", after checkpoint "
              + lastCompletedCheckpoint);
    }
    return group;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    lastCompletedCheckpoint = Math.max(lastCompletedCheckpoint, checkpointId);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    context
        .getRestoredCheckpointId()
        .ifPresent(
            id -> {
              Events events = RUNS.get(run);
              events.restoredInstances.incrementAndGet();
              events.restoredFromCheckpoint.accumulateAndGet(
                  id, (seen, now) -> seen < 0 ? now : Math.min(seen, now));
            });
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // no state of its own: it implements CheckpointedFunction to learn whether it was restored
  }
}
