package io.tributary.cli;

import io.tributary.cluster.ClusterConfig;
import io.tributary.cluster.ClusterLayout;
import io.tributary.cluster.ClusterStatus;
import io.tributary.cluster.FlinkRestClient;
import io.tributary.cluster.RolloutJobSubmitter;
import io.tributary.cluster.StandaloneCluster;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary cluster start|stop|status|submit}: a Flink session cluster on loopback. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "A Flink 2.2 standalone session cluster on 127.0.0.1: a JobManager and TaskManagers as"
            + " separate JVMs, their configs, logs and working directories under --dir.",
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Status.class,
      ClusterCommand.Submit.class
    })
public final class ClusterCommand implements Runnable {
  static final String DEFAULT_DIR = "runs/cluster";

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  private static FlinkRestClient rest(Path dir) {
    ClusterLayout layout = new ClusterLayout(dir);
    String address =
        layout
            .restAddress()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no cluster runs in "
                            + layout.dir()
                            + " (no rest.address); start one with ./tributary cluster start"));
    return new FlinkRestClient(address);
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description =
          "Starts the JobManager and the TaskManagers in the background, waits until every"
              + " TaskManager has registered, and prints the status line.")
  static final class Start implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "cluster directory")
    Path dir;

    @Option(names = "--task-managers", defaultValue = "2", description = "TaskManager JVMs")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "1", description = "task slots per TaskManager")
    int slots;

    @Option(names = "--rest-port", defaultValue = "8081", description = "0 picks a free one")
    int restPort;

    @Option(
        names = "--task-manager-memory",
        defaultValue = ClusterConfig.DEFAULT_TASK_MANAGER_MEMORY,
        description = "taskmanager.memory.process.size (libtorch's native memory is extra)")
    String taskManagerMemory;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait for it")
    int timeoutSeconds;

    @Override
    public void run() {
      ClusterConfig settings =
          new ClusterConfig(taskManagers, slots, restPort, null, taskManagerMemory);
      StandaloneCluster cluster =
          StandaloneCluster.start(
              new ClusterLayout(dir), settings, Duration.ofSeconds(timeoutSeconds));
      System.out.println(ClusterStatus.of(cluster.rest()).toJsonLine());
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops every process.")
  static final class Stop implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "cluster directory")
    Path dir;

    @Override
    public void run() {
      ClusterLayout layout = new ClusterLayout(dir);
      int processes = StandaloneCluster.pids(layout).size();
      StandaloneCluster.stop(layout, Duration.ofSeconds(30));
      System.out.printf("stopped %d processes of the cluster in %s%n", processes, layout.dir());
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "One JSON line: the REST address, the TaskManagers and their free slots, the running"
              + " jobs.")
  static final class Status implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "cluster directory")
    Path dir;

    @Override
    public void run() {
      System.out.println(ClusterStatus.of(rest(dir)).toJsonLine());
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description =
          "Uploads the shaded job jar (mvn -Pcluster package) through the REST API and runs the"
              + " rollout job; prints the job id.")
  static final class Submit implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "cluster directory")
    Path dir;

    @Option(names = "--jar", defaultValue = "target/tributary-job.jar", description = "job jar")
    Path jar;

    @Option(names = "--config", required = true, description = "rollouts config YAML")
    Path config;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--policy-checkpoint", description = "starting policy (shared storage)")
    String policy;

    @Option(names = "--savepoint", description = "a savepoint to resume from")
    String savepoint;

    @Option(
        names = "--learner-config",
        description = "the learner's run config: a job that samples otherwise is refused")
    Path learnerConfig;

    @Override
    public void run() {
      if (!jar.toFile().isFile()) {
        throw new IllegalArgumentException(
            "--jar: no file " + jar + "; build it with mvn -Pcluster package -DskipTests");
      }
      RolloutJobSubmitter submitter = new RolloutJobSubmitter(rest(dir));
      if (learnerConfig != null) {
        submitter = submitter.checkedAgainst(learnerConfig);
      }
      String jobId = submitter.submit(jar, config, bootstrap, policy, savepoint);
      System.out.println(jobId);
    }
  }
}
