package io.tributary.rollout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The rollout job on a MiniCluster inside the calling JVM, for {@code ./tributary run}: Kafka in
 * and out, checkpoints retained in a directory of the run (also on cancellation), and restored from
 * the newest completed one when there is one, so that a run killed at any moment continues where
 * its last checkpoint left the prompts source, the group buffers and the open Kafka transactions.
 */
public final class EmbeddedRolloutJob implements AutoCloseable {
  private final JobClient job;
  private final Optional<Path> restoredFrom;

  private EmbeddedRolloutJob(JobClient job, Optional<Path> restoredFrom) {
    this.job = job;
    this.restoredFrom = restoredFrom;
  }

  /**
   * Builds and submits the job; returns once it is submitted.
   *
   * @param checkpoints the directory of the job's retained checkpoints
   */
  public static EmbeddedRolloutJob start(RolloutsConfig config, Path checkpoints) throws Exception {
    Files.createDirectories(checkpoints);
    Optional<Path> latest = latestCheckpoint(checkpoints);
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    flink.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        checkpoints.toAbsolutePath().toUri().toString());
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
    latest.ifPresent(
        path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
    RolloutJob.configure(env, config);
    RolloutsRunner.wire(env, RolloutJob.Plan.of(config));
    return new EmbeddedRolloutJob(env.executeAsync("tributary run: rollouts"), latest);
  }

  /** The checkpoint this job was restored from, if any. */
  public Optional<Path> restoredFrom() {
    return restoredFrom;
  }

  /** True once the job failed for good (its restarts spent) or was cancelled. */
  public boolean hasStopped() {
    try {
      JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      return status == JobStatus.FAILED || status == JobStatus.CANCELED;
    } catch (Exception e) {
      return true; // the MiniCluster no longer answers
    }
  }

  /**
   * The newest completed checkpoint under {@code checkpoints} (a {@code chk-N} directory with its
   * {@code _metadata}; one being written has none yet), over the job ids of earlier runs.
   */
  public static Optional<Path> latestCheckpoint(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.find(checkpoints, 3, (p, a) -> isMetadata(p))) {
      return files.max(Comparator.comparing(EmbeddedRolloutJob::modified)).map(Path::getParent);
    } catch (IOException e) {
      throw new UncheckedIOException(checkpoints + ": cannot list Flink checkpoints: " + e, e);
    }
  }

  private static boolean isMetadata(Path p) {
    return p.getFileName().toString().equals("_metadata")
        && p.getParent().getFileName().toString().startsWith("chk-");
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0); // pruned while listing: never the newest
    }
  }

  /** Cancels the job; its checkpoints stay for a later resume. */
  @Override
  public void close() throws Exception {
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already finished or failed: nothing left to cancel
    }
  }
}
