package io.tributary.kafka;

import io.tributary.process.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kafka broker in a child JVM on this program's own classpath ({@link BrokerMain}), its data in
 * the run directory. It stops when this handle is closed or when this JVM dies (its standard input
 * closes), so it cannot outlive its parent. A child keeps the broker's heap and threads apart from
 * a training JVM; a broker in the same JVM ({@link EmbeddedKafka}) starts a little faster.
 */
public final class ChildKafka implements KafkaBroker {
  /** A loopback broker for one session needs little heap; serial GC keeps its RSS small. */
  private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

  private final Process process;
  private final String bootstrapServers;
  private final BrokerLayout layout;

  private ChildKafka(Process process, String bootstrapServers, BrokerLayout layout) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.layout = layout;
  }

  /**
   * Starts the child and waits for its ready line.
   *
   * @param port the client port, or 0 for a free one
   */
  public static ChildKafka start(Path runDir, int port, Duration timeout) {
    BrokerLayout layout = new BrokerLayout(runDir);
    List<String> command =
        ChildJvm.command(
            JVM_OPTIONS,
            BrokerMain.class,
            List.of(runDir.toAbsolutePath().toString(), Integer.toString(port)));
    Process process;
    try {
      Files.createDirectories(layout.kafkaDir());
      process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(layout.logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker JVM", e);
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(process, ready), "kafka-child-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String address = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new ChildKafka(process, address, layout);
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      process.destroyForcibly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String why =
          e instanceof TimeoutException
              ? "not ready after " + timeout.toSeconds() + " s"
              : String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
      throw new IllegalStateException(
          "Kafka broker child JVM failed: " + why + "; its log: " + layout.logFile(), e);
    }
  }

  /** Completes {@code ready} with the address on the ready line, then drains until EOF. */
  private static void readStdout(Process process, CompletableFuture<String> ready) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(BrokerMain.READY + " ")) {
          ready.complete(line.substring(BrokerMain.READY.length() + 1).strip());
        } else if (line.startsWith(BrokerMain.FAILED)) {
          ready.completeExceptionally(new IllegalStateException(line));
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(
        new IllegalStateException("the broker JVM exited before it was ready"));
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child process, for tests that end it the way a dying parent would. */
  Process process() {
    return process;
  }

  public BrokerLayout layout() {
    return layout;
  }

  /** Closes the child's standard input (its signal to stop) and waits for it to exit. */
  @Override
  public void close() {
    ChildJvm.stop(process, Duration.ofSeconds(30));
  }
}
