package io.tributary.cluster;

import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The {@code config.yaml} of each process of a loopback session cluster (Flink 2 reads only that
 * file from {@code --configDir}). Everything binds to 127.0.0.1; the settings that matter for the
 * rollout job say why.
 */
public final class FlinkConfig {
  /**
   * DJL is loaded by the cluster's own class loader, once per JVM: a JVM lets one class loader own
   * a native library, and each submission gets a new user-code class loader (FLINK-13958).
   */
  static final String PARENT_FIRST_DJL = "ai.djl.";

  /**
   * The shaded job jar carries libtorch's CPU natives (over 100 MiB), beyond the REST server's
   * default upload limit of 100 MiB.
   */
  static final String MAX_CONTENT_LENGTH = Long.toString(512L * 1024 * 1024);

  private FlinkConfig() {}

  /** Keys every process shares: where the JobManager is, class loading, failover, storage. */
  static Map<String, String> common(ClusterLayout layout, ClusterConfig settings, int rpcPort) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
    c.put("parallelism.default", "1");
    c.put("classloader.parent-first-patterns.additional", PARENT_FIRST_DJL);
    // a killed TaskManager refuses the next heartbeats at once: two refused ones mark it lost,
    // long before the timeout, which only a hung one waits for
    c.put("heartbeat.interval", "1000");
    c.put("heartbeat.timeout", "20000");
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "20");
    c.put("restart-strategy.fixed-delay.delay", "1 s");
    // checkpoints and savepoints on storage every process reaches (here: the cluster directory)
    c.put("execution.checkpointing.dir", layout.dir().resolve("checkpoints").toUri().toString());
    c.put(
        "execution.checkpointing.savepoint-dir",
        layout.dir().resolve("savepoints").toUri().toString());
    c.put("rest.server.max-content-length", MAX_CONTENT_LENGTH);
    c.put("rest.client.max-content-length", MAX_CONTENT_LENGTH);
    // the REST API answers metric queries from a cache refreshed this often (default 10 s)
    c.put("metrics.fetcher.update-interval", "1000");
    return c;
  }

  public static Map<String, String> jobManager(
      ClusterLayout layout, ClusterConfig settings, int rpcPort, int restPort) {
    ClusterLayout.ProcessDirs dirs = layout.jobManager();
    Map<String, String> c = common(layout, settings, rpcPort);
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("jobmanager.memory.process.size", settings.jobManagerMemory());
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", Integer.toString(restPort));
    c.put("web.upload.dir", dirs.work().resolve("web-upload").toString());
    c.put("process.jobmanager.working-dir", dirs.work().toString());
    c.put("io.tmp.dirs", dirs.tmp().toString());
    return c;
  }

  public static Map<String, String> taskManager(
      ClusterLayout layout, ClusterConfig settings, int rpcPort, int index) {
    ClusterLayout.ProcessDirs dirs = layout.taskManager(index);
    Map<String, String> c = common(layout, settings, rpcPort);
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.resource-id", dirs.name());
    c.put("taskmanager.memory.process.size", settings.taskManagerMemory());
    // state lives on the heap (hashmap backend); managed memory would only serve RocksDB or
    // batch operators, and takes 40% of the process otherwise
    c.put("taskmanager.memory.managed.size", "0m");
    c.put("process.taskmanager.working-dir", dirs.work().toString());
    c.put("io.tmp.dirs", dirs.tmp().toString());
    return c;
  }

  /** As Flink's classes read it, for the memory calculations Flink's scripts make. */
  static Configuration toFlink(Map<String, String> config) {
    return Configuration.fromMap(config);
  }

  /** One {@code key: "value"} line per entry (JSON strings are YAML's double-quoted scalars). */
  public static String yaml(Map<String, String> config) {
    StringBuilder out = new StringBuilder("# written by ./tributary cluster\n");
    config.forEach(
        (key, value) -> out.append(key).append(": ").append(Json.write(value)).append('\n'));
    return out.toString();
  }

  static void write(Path confDir, Map<String, String> config) {
    try {
      Files.writeString(confDir.resolve("config.yaml"), yaml(config), StandardCharsets.UTF_8);
      Files.writeString(confDir.resolve("log4j2.properties"), LOG4J, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Flink config in " + confDir, e);
    }
  }

  /** One log file per process ({@code -Dlog.file}, as Flink's scripts set it). */
  static final String LOG4J =
      """
      rootLogger.level = INFO
      rootLogger.appenderRef.main.ref = MainAppender
      appender.main.name = MainAppender
      appender.main.type = File
      appender.main.append = true
      appender.main.fileName = ${sys:log.file}
      appender.main.layout.type = PatternLayout
      appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
      logger.kafka.name = org.apache.kafka
      logger.kafka.level = WARN
      """;
}
