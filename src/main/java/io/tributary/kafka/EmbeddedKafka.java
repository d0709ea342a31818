package io.tributary.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.Server;
import kafka.tools.StorageTool;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker in this JVM: one KRaft node (broker and controller) on loopback, formatted
 * with {@link StorageTool} and run by {@code KafkaRaftServer}, the two classes {@code
 * kafka-server-start.sh} itself uses. Its kafka_2.13 jars must equal the kafka-clients version of
 * the Flink connector (4.2.0): in one JVM they share classes (docs/engineering-notes.md, "A Kafka
 * broker in the same JVM").
 */
public final class EmbeddedKafka implements KafkaBroker {
  private static final int START_ATTEMPTS = 3;

  private final Server server;
  private final String bootstrapServers;
  private final Path deleteOnClose;
  private boolean closed;

  private EmbeddedKafka(Server server, String bootstrapServers, Path deleteOnClose) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.deleteOnClose = deleteOnClose;
  }

  /** A broker whose files live in a fresh temporary directory, deleted on close (for tests). */
  public static EmbeddedKafka startTemporary() {
    try {
      Path dir = Files.createTempDirectory("tributary-kafka-");
      return start(dir, 0, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary broker directory", e);
    }
  }

  /**
   * A broker keeping its log in {@code layout.dataDir()}, formatted on first use and reused after
   * (so a resumed run finds its topics and committed offsets).
   *
   * @param port the client port, or 0 for a free one
   */
  public static EmbeddedKafka start(BrokerLayout layout, int port) {
    return start(layout.kafkaDir(), port, null);
  }

  private static EmbeddedKafka start(Path kafkaDir, int port, Path deleteOnClose) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: got " + port + ", expected 0..65535");
    }
    RuntimeException last = null;
    // a free port found by binding and closing can be taken by another process before the
    // broker binds it; a fresh pair of ports on the next attempt settles that race
    for (int attempt = 1; attempt <= (port == 0 ? START_ATTEMPTS : 1); attempt++) {
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      try {
        return startOnce(kafkaDir, brokerPort, controllerPort, deleteOnClose);
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  private static EmbeddedKafka startOnce(
      Path kafkaDir, int brokerPort, int controllerPort, Path deleteOnClose) {
    Path dataDir = kafkaDir.resolve("data");
    Properties props = BrokerProperties.singleNode(dataDir, brokerPort, controllerPort);
    Path configFile = kafkaDir.resolve("server.properties");
    try {
      Files.createDirectories(dataDir);
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "written by Tributary's EmbeddedKafka; regenerated at every start");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare broker directory " + kafkaDir, e);
    }
    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      format(configFile);
    }
    Server server = newRaftServer(props);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw new IllegalStateException(
          "Kafka broker did not start on ports " + brokerPort + "/" + controllerPort, e);
    }
    return new EmbeddedKafka(server, BrokerProperties.HOST + ":" + brokerPort, deleteOnClose);
  }

  /**
   * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}, by reflection:
   * KafkaConfig extends a class of kafka-server, which kafka_2.13's pom puts in runtime scope, so
   * javac cannot see it without a direct dependency in our pom for two calls.
   */
  private static Server newRaftServer(Properties props) {
    try {
      Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
      Object config =
          configClass
              .getMethod("fromProps", Properties.class, boolean.class)
              .invoke(null, props, false);
      return (Server)
          Class.forName("kafka.server.KafkaRaftServer")
              .getConstructor(configClass, Time.class)
              .newInstance(config, Time.SYSTEM);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalStateException(
          "invalid broker configuration: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Kafka 4.2.0 server classes are not on the classpath", e);
    }
  }

  private static void format(Path configFile) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String[] args = {
      "format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString()
    };
    int code;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(args, print);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "formatting the broker storage failed (exit " + code + "): " + output);
    }
  }

  private static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(BrokerProperties.HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on loopback", e);
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose != null) {
      deleteRecursively(deleteOnClose);
    }
  }

  private static void deleteRecursively(Path dir) {
    try {
      PathUtils.deleteDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
