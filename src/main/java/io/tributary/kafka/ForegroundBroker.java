package io.tributary.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The broker alone, for a session of several programs: runs in this JVM until Ctrl-C, with its data
 * and address file in {@code dir}, and Tributary's topics created.
 */
public final class ForegroundBroker {
  private ForegroundBroker() {}

  public static void run(Path dir, int port, KafkaConfig settings, PrintStream out) {
    BrokerLayout layout = new BrokerLayout(dir);
    long start = System.nanoTime();
    EmbeddedKafka broker = EmbeddedKafka.start(layout, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  layout.deleteAddress();
                  broker.close();
                  stopped.countDown();
                },
                "kafka-broker-stop"));
    var topics = TopicAdmin.ensureTopics(settings.withBootstrapServers(broker.bootstrapServers()));
    layout.writeAddress(broker.bootstrapServers());
    out.printf(
        "Kafka broker ready in %.1f s at %s%n",
        (System.nanoTime() - start) / 1e9, broker.bootstrapServers());
    out.println("  data:    " + layout.dataDir().toAbsolutePath());
    out.println("  address: " + layout.addressFile().toAbsolutePath());
    topics.forEach(
        t ->
            out.printf(
                "  topic %-28s %d partition(s)%s%n",
                t.name(), t.partitions(), t.created() ? " (created)" : ""));
    out.println("Ctrl-C stops it.");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
