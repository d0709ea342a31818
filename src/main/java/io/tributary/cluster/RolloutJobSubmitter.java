package io.tributary.cluster;

import io.tributary.rollout.RolloutJobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Submits the rollout job as a user does: the shaded job jar uploaded through the JobManager's REST
 * API, then run with {@link RolloutJobMain}'s arguments. The jar reaches the TaskManagers through
 * Flink's blob server, never through their class path. Given the learner's run config, each job is
 * checked against it at submission ({@code --learner-config}): the job's main refuses a sampling
 * spec the learner would refuse, and the run request fails with both values.
 */
public final class RolloutJobSubmitter {
  public static final String ENTRY_CLASS = RolloutJobMain.class.getName();

  private final FlinkRestClient rest;
  private final Path learnerConfig;

  public RolloutJobSubmitter(FlinkRestClient rest) {
    this(rest, null);
  }

  private RolloutJobSubmitter(FlinkRestClient rest, Path learnerConfig) {
    this.rest = rest;
    this.learnerConfig = learnerConfig;
  }

  /**
   * A submitter whose jobs must sample as the learner of {@code learnerConfig} (its {@code
   * grpo.sampling}) expects; the file must be readable by the JobManager, where main runs.
   */
  public RolloutJobSubmitter checkedAgainst(Path learnerConfig) {
    return new RolloutJobSubmitter(rest, learnerConfig);
  }

  /**
   * @param config a rollouts config file the JobManager can read
   * @param bootstrap the Kafka cluster, or null to take the config's
   * @param policyCheckpoint the starting policy on storage every TaskManager reads, or null
   * @param savepoint a savepoint to resume from, or null
   * @return the job id
   */
  public String submit(
      Path jobJar, Path config, String bootstrap, String policyCheckpoint, String savepoint) {
    return run(upload(jobJar), config, bootstrap, policyCheckpoint, savepoint);
  }

  /**
   * Uploads the jar once; the cluster keeps it for any number of runs ({@code GET /jars}).
   *
   * @return the jar's id on the cluster
   */
  public String upload(Path jobJar) {
    return rest.uploadJar(jobJar);
  }

  /** Runs an uploaded jar: each run is a new job with a class loader of its own. */
  public String run(
      String jarId, Path config, String bootstrap, String policyCheckpoint, String savepoint) {
    return rest.runJar(
        jarId,
        ENTRY_CLASS,
        arguments(config, bootstrap, policyCheckpoint, learnerConfig),
        savepoint);
  }

  static List<String> arguments(
      Path config, String bootstrap, String policyCheckpoint, Path learnerConfig) {
    List<String> args = new ArrayList<>(List.of("--config", config.toAbsolutePath().toString()));
    if (bootstrap != null) {
      args.addAll(List.of("--bootstrap", bootstrap));
    }
    if (policyCheckpoint != null) {
      args.addAll(List.of("--policy-checkpoint", policyCheckpoint));
    }
    if (learnerConfig != null) {
      args.addAll(List.of("--learner-config", learnerConfig.toAbsolutePath().toString()));
    }
    return args;
  }
}
