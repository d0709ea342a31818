package io.tributary.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Kafka for one program run: the configured cluster, or, when no bootstrap servers are configured,
 * Tributary's own broker in a child JVM with its data in the run directory; in both cases with the
 * topics created. Closing the session stops a broker it started.
 *
 * <pre>{@code
 * try (KafkaSession kafka = KafkaSession.open(config.kafka(), runDir)) {
 *   KafkaConfig settings = kafka.settings(); // bootstrap servers resolved
 *   ...
 * }
 * }</pre>
 */
public final class KafkaSession implements AutoCloseable {
  public static final Duration BROKER_START_TIMEOUT = Duration.ofSeconds(120);

  private final KafkaConfig settings;
  private final KafkaBroker broker;
  private final List<TopicAdmin.TopicState> topics;

  private KafkaSession(
      KafkaConfig settings, KafkaBroker broker, List<TopicAdmin.TopicState> topics) {
    this.settings = settings;
    this.broker = broker;
    this.topics = topics;
  }

  public static KafkaSession open(KafkaConfig settings, Path runDir) {
    if (!settings.startsOwnBroker()) {
      return new KafkaSession(settings, null, TopicAdmin.ensureTopics(settings));
    }
    ChildKafka child = ChildKafka.start(runDir, 0, BROKER_START_TIMEOUT);
    try {
      KafkaConfig resolved = settings.withBootstrapServers(child.bootstrapServers());
      return new KafkaSession(resolved, child, TopicAdmin.ensureTopics(resolved));
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
  }

  /** The settings with the bootstrap servers to use. */
  public KafkaConfig settings() {
    return settings;
  }

  /** The broker this session started, if it started one. */
  public Optional<KafkaBroker> broker() {
    return Optional.ofNullable(broker);
  }

  public List<TopicAdmin.TopicState> topics() {
    return topics;
  }

  @Override
  public void close() {
    if (broker != null) {
      broker.close();
    }
  }
}
