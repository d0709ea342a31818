package io.tributary.cluster;

import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Flink standalone session cluster on loopback: one JobManager and {@code N} TaskManagers, each
 * its own JVM with its own config, log and working directory under the cluster directory ({@link
 * ClusterLayout}). The processes outlive the program that starts them ({@code ./tributary cluster
 * start}); {@link #stop(ClusterLayout, Duration)} ends them by their pid files. A handle that is
 * closed stops them too, for tests.
 */
public final class StandaloneCluster implements AutoCloseable {
  private final ClusterLayout layout;
  private final ClusterConfig settings;
  private final int rpcPort;
  private final String classPath;
  private final FlinkRestClient rest;
  private final Thread stopOnExit;

  private StandaloneCluster(
      ClusterLayout layout,
      ClusterConfig settings,
      int rpcPort,
      String classPath,
      FlinkRestClient rest) {
    this.layout = layout;
    this.settings = settings;
    this.rpcPort = rpcPort;
    this.classPath = classPath;
    this.rest = rest;
    // a test JVM that ends without closing the handle still takes its cluster with it
    this.stopOnExit = new Thread(() -> stop(layout, Duration.ofSeconds(10)), "cluster-stop");
  }

  /**
   * Writes each process's config, starts the JobManager and the TaskManagers, and waits until the
   * REST API reports every TaskManager registered.
   */
  public static StandaloneCluster start(
      ClusterLayout layout, ClusterConfig settings, Duration timeout) {
    if (running(layout)) {
      throw new IllegalStateException(
          "a cluster already runs in " + layout.dir() + " (./tributary cluster stop --dir ...)");
    }
    int rpcPort = freePort();
    int restPort = settings.restPort() == 0 ? freePort() : settings.restPort();
    String classPath = ClusterClassPath.ofThisJvm();
    String address = "http://127.0.0.1:" + restPort;
    StandaloneCluster cluster =
        new StandaloneCluster(layout, settings, rpcPort, classPath, new FlinkRestClient(address));
    try {
      Files.createDirectories(layout.dir());
      Files.writeString(
          layout.dir().resolve("cluster.json"),
          Json.write(
                  Map.of(
                      "taskManagers",
                      settings.taskManagers(),
                      "slotsPerTaskManager",
                      settings.slotsPerTaskManager(),
                      "rpcPort",
                      rpcPort,
                      "restPort",
                      restPort))
              + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + layout.dir(), e);
    }
    ClusterLayout.ProcessDirs jm = layout.jobManager();
    jm.create();
    Map<String, String> jmConfig = FlinkConfig.jobManager(layout, settings, rpcPort, restPort);
    FlinkConfig.write(jm.conf(), jmConfig);
    FlinkJvm.start(jm, FlinkJvm.jobManager(jm, jmConfig, classPath));
    for (int i = 0; i < settings.taskManagers(); i++) {
      cluster.startTaskManager(i);
    }
    try {
      cluster.awaitTaskManagers(settings.taskManagers(), timeout);
    } catch (RuntimeException e) {
      stop(layout, Duration.ofSeconds(10));
      throw e;
    }
    writeString(layout.restAddressFile(), address + "\n");
    return cluster;
  }

  /** A handle that stops the cluster when it is closed or when this JVM exits. */
  public StandaloneCluster stopOnClose() {
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    return this;
  }

  public String restAddress() {
    return rest.address();
  }

  public FlinkRestClient rest() {
    return rest;
  }

  public ClusterLayout layout() {
    return layout;
  }

  public ClusterConfig settings() {
    return settings;
  }

  /** (Re)starts TaskManager {@code index} with its config; its old files stay. */
  public void startTaskManager(int index) {
    ClusterLayout.ProcessDirs tm = layout.taskManager(index);
    tm.create();
    Map<String, String> config = FlinkConfig.taskManager(layout, settings, rpcPort, index);
    FlinkConfig.write(tm.conf(), config);
    FlinkJvm.start(tm, FlinkJvm.taskManager(tm, config, classPath));
  }

  /** Kills TaskManager {@code index} with SIGKILL, as a machine failure would, and waits for it. */
  public void killTaskManager(int index) {
    process(layout.taskManager(index))
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
  }

  /** Waits until {@code count} TaskManagers are registered with the JobManager. */
  public void awaitTaskManagers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!alive(layout.jobManager())) {
        throw new IllegalStateException(
            "the JobManager exited; see "
                + layout.jobManager().logFile()
                + " and "
                + layout.jobManager().outFile());
      }
      try {
        int registered = rest.overview().path("taskmanagers").asInt();
        if (registered == count) {
          return;
        }
        last = registered + " TaskManagers registered";
      } catch (RuntimeException e) {
        last = e.getMessage();
      }
      FlinkRestClient.sleep(Duration.ofMillis(300));
    }
    throw new IllegalStateException(
        "cluster in "
            + layout.dir()
            + " not ready after "
            + timeout.toSeconds()
            + " s: "
            + last
            + "; expected "
            + count
            + " TaskManagers; logs under "
            + layout.dir());
  }

  /** Stops every process of the cluster in {@code layout}: SIGTERM, then SIGKILL after grace. */
  public static void stop(ClusterLayout layout, Duration grace) {
    List<ClusterLayout.ProcessDirs> processes = new ArrayList<>(taskManagers(layout));
    processes.add(layout.jobManager());
    List<ProcessHandle> handles = new ArrayList<>();
    for (ClusterLayout.ProcessDirs dirs : processes) {
      process(dirs).ifPresent(handles::add);
    }
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : handles) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        h.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    for (ClusterLayout.ProcessDirs dirs : processes) {
      try {
        Files.deleteIfExists(dirs.pidFile());
      } catch (IOException e) {
        // a stale pid file names a process that is gone; `running` checks it
      }
    }
    try {
      Files.deleteIfExists(layout.restAddressFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + layout.restAddressFile(), e);
    }
  }

  /** Whether the JobManager of a cluster in {@code layout} is alive. */
  public static boolean running(ClusterLayout layout) {
    return alive(layout.jobManager());
  }

  static List<ClusterLayout.ProcessDirs> taskManagers(ClusterLayout layout) {
    List<ClusterLayout.ProcessDirs> found = new ArrayList<>();
    for (int i = 0; Files.isDirectory(layout.taskManager(i).root()); i++) {
      found.add(layout.taskManager(i));
    }
    return found;
  }

  static boolean alive(ClusterLayout.ProcessDirs dirs) {
    return process(dirs).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * The live process of a pid file, only if it started before the file was written and at most a
   * minute earlier: a stale pid file may name an unrelated process that reused the pid. (The
   * command line would tell too, but the JDK reads only the start of a long one.)
   */
  static Optional<ProcessHandle> process(ClusterLayout.ProcessDirs dirs) {
    Optional<Long> pid = pid(dirs);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    Instant written;
    try {
      written = Files.getLastModifiedTime(dirs.pidFile()).toInstant();
    } catch (IOException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid.get())
        .filter(
            h ->
                h.info()
                    .startInstant()
                    .map(
                        started ->
                            !started.isAfter(written.plusSeconds(1))
                                && started.isAfter(written.minusSeconds(60)))
                    .orElse(false));
  }

  /** The pids of the cluster's live processes, the JobManager first. */
  public static List<Long> pids(ClusterLayout layout) {
    List<Long> pids = new ArrayList<>();
    process(layout.jobManager()).ifPresent(h -> pids.add(h.pid()));
    for (ClusterLayout.ProcessDirs tm : taskManagers(layout)) {
      process(tm).ifPresent(h -> pids.add(h.pid()));
    }
    return pids;
  }

  static Optional<Long> pid(ClusterLayout.ProcessDirs dirs) {
    Path file = dirs.pidFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    stop(layout, Duration.ofSeconds(15));
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // already exiting, or never registered
    }
  }

  private static void writeString(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
