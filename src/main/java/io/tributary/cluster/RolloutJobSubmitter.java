package io.tributary.cluster;

import io.tributary.rollout.RolloutJobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Submits the rollout job as a user does: the shaded job jar uploaded through the JobManager's REST
 * API, then run with {@link RolloutJobMain}'s arguments. The jar reaches the TaskManagers through
 * Flink's blob server, never through their class path.
 */
public final class RolloutJobSubmitter {
  public static final String ENTRY_CLASS = RolloutJobMain.class.getName();

  private final FlinkRestClient rest;

  public RolloutJobSubmitter(FlinkRestClient rest) {
    this.rest = rest;
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
        jarId, ENTRY_CLASS, arguments(config, bootstrap, policyCheckpoint), savepoint);
  }

  static List<String> arguments(Path config, String bootstrap, String policyCheckpoint) {
    List<String> args = new ArrayList<>(List.of("--config", config.toAbsolutePath().toString()));
    if (bootstrap != null) {
      args.addAll(List.of("--bootstrap", bootstrap));
    }
    if (policyCheckpoint != null) {
      args.addAll(List.of("--policy-checkpoint", policyCheckpoint));
    }
    return args;
  }
}
