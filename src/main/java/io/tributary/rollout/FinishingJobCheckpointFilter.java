package io.tributary.rollout;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * A log4j filter for Flink's {@code CheckpointFailureManager} logger that drops the WARN (with a
 * long stack trace) of a checkpoint that failed only because the job was finishing. At the end of a
 * bounded input every task closes in turn; a checkpoint triggered in that window is declined by
 * {@code Task.triggerCheckpointBarrier} with "task is closing" (the task's mailbox is closed) or
 * "tasks not ready" (the task is no longer running), or it reaches a task that has just left its
 * TaskManager ("unknown task"); one still in flight when the job ends is aborted with "Checkpoint
 * Coordinator is suspending". Flink counts none of these against the tolerable checkpoint failures
 * ({@code CheckpointFailureManager.checkFailureCounter} ignores these reasons), and the checkpoint
 * that commits the last Kafka transactions completes all the same. Every other checkpoint failure
 * (expired, I/O, async snapshot, declined by an operator) still logs: those fail the job, and this
 * WARN is where their cause is written.
 *
 * <p>The same race has a second symptom, on the JobManager's RPC logger ({@code
 * FencedPekkoRpcActor}, ERROR): a checkpoint aborted as the job ends, before the source's operator
 * coordinator was asked for it, makes {@code OperatorCoordinatorHolder.notifyCheckpointAborted}
 * throw "Trying to open gateway for unseen checkpoint". The check throws before it changes anything
 * (there is no gateway closed for that checkpoint to open), so only that exception, from that
 * method, is dropped; any other exception on that logger still logs. Wired in {@code log4j2.xml} on
 * both loggers.
 */
@Plugin(
    name = "FinishingJobCheckpointFilter",
    category = Node.CATEGORY,
    elementType = Filter.ELEMENT_TYPE)
public final class FinishingJobCheckpointFilter extends AbstractFilter {
  private FinishingJobCheckpointFilter() {
    super(Result.DENY, Result.NEUTRAL);
  }

  @PluginFactory
  public static FinishingJobCheckpointFilter create() {
    return new FinishingJobCheckpointFilter();
  }

  @Override
  public Result filter(LogEvent event) {
    Throwable thrown = event.getThrown();
    return failedOnlyBecauseTheJobWasFinishing(thrown) || abortedBeforeTheCoordinatorSawIt(thrown)
        ? onMatch
        : onMismatch;
  }

  static boolean abortedBeforeTheCoordinatorSawIt(Throwable thrown) {
    if (!(thrown instanceof IllegalStateException)
        || !String.valueOf(thrown.getMessage())
            .startsWith("Trying to open gateway for unseen checkpoint")) {
      return false;
    }
    for (StackTraceElement frame : thrown.getStackTrace()) {
      if (frame.getClassName().endsWith(".OperatorCoordinatorHolder")
          && frame.getMethodName().contains("notifyCheckpointAborted")) {
        return true;
      }
    }
    return false;
  }

  static boolean failedOnlyBecauseTheJobWasFinishing(Throwable thrown) {
    if (!(thrown instanceof CheckpointException failure)) {
      return false;
    }
    return switch (failure.getCheckpointFailureReason()) {
      case CHECKPOINT_DECLINED_TASK_CLOSING,
          CHECKPOINT_DECLINED_TASK_NOT_READY,
          CHECKPOINT_COORDINATOR_SUSPEND ->
          true;
      // TaskExecutor.triggerCheckpoint: the task is no longer on the TaskManager
      case TASK_CHECKPOINT_FAILURE -> String.valueOf(failure.getMessage()).contains("unknown task");
      default -> false;
    };
  }
}
