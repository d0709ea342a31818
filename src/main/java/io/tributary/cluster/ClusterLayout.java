package io.tributary.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a cluster keeps its files: {@code DIR/jobmanager} and {@code DIR/taskmanager-<i>}, each
 * with {@code conf/} (config.yaml, log4j2.properties), {@code log/}, {@code work/} and {@code pid};
 * {@code DIR/rest.address}, present while the cluster runs.
 */
public record ClusterLayout(Path dir) {
  public ClusterLayout {
    dir = dir.toAbsolutePath().normalize();
  }

  public ProcessDirs jobManager() {
    return new ProcessDirs(dir.resolve("jobmanager"), "jobmanager");
  }

  public ProcessDirs taskManager(int index) {
    return new ProcessDirs(dir.resolve("taskmanager-" + index), "taskmanager-" + index);
  }

  /** The JobManager's REST address, {@code http://127.0.0.1:PORT}. */
  public Path restAddressFile() {
    return dir.resolve("rest.address");
  }

  public Optional<String> restAddress() {
    Path file = restAddressFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The directories of one Flink process. */
  public record ProcessDirs(Path root, String name) {
    public Path conf() {
      return root.resolve("conf");
    }

    public Path logFile() {
      return root.resolve("log").resolve(name + ".log");
    }

    /** Standard output and error: what happens before logging starts, and JVM crashes. */
    public Path outFile() {
      return root.resolve("log").resolve(name + ".out");
    }

    public Path work() {
      return root.resolve("work");
    }

    public Path tmp() {
      return root.resolve("tmp");
    }

    public Path pidFile() {
      return root.resolve("pid");
    }

    public void create() {
      try {
        Files.createDirectories(conf());
        Files.createDirectories(logFile().getParent());
        Files.createDirectories(work());
        Files.createDirectories(tmp());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + root, e);
      }
    }
  }
}
