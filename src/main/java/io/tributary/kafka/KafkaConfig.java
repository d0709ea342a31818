package io.tributary.kafka;

import io.tributary.config.ConfigException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How Tributary reaches Kafka: bound from the {@code kafka:} section of a run config.
 *
 * @param bootstrapServers a cluster to use, or null to start the project's own broker
 * @param topics the four topic names
 * @param partitions partitions of each topic Tributary creates (the rollout job's parallelism at
 *     most uses this many readers of the prompts topic)
 * @param replicationFactor of each topic Tributary creates; 1 on the embedded broker
 * @param clientProperties passed to every producer, consumer and admin client: {@code
 *     security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code compression.type}, ...
 */
public record KafkaConfig(
    String bootstrapServers,
    KafkaTopics topics,
    Integer partitions,
    Short replicationFactor,
    Map<String, String> clientProperties) {
  public static final int DEFAULT_PARTITIONS = 4;

  /** Set by Tributary itself; from config they would break its guarantees or be ignored. */
  private static final Map<String, String> RESERVED =
      Map.of(
          "bootstrap.servers", "the bootstrapServers key",
          "isolation.level", "nothing: readers always use read_committed",
          "enable.idempotence", "nothing: producers are always idempotent",
          "transactional.id", "nothing: set per producer by the job",
          "key.serializer", "nothing: keys are strings",
          "value.serializer", "nothing: values are Tributary messages",
          "key.deserializer", "nothing: keys are strings",
          "value.deserializer", "nothing: values are Tributary messages");

  public KafkaConfig {
    if (bootstrapServers != null && bootstrapServers.isBlank()) {
      bootstrapServers = null;
    }
    topics = topics == null ? KafkaTopics.DEFAULTS : topics;
    partitions = partitions == null ? DEFAULT_PARTITIONS : partitions;
    if (partitions < 1) {
      throw ConfigException.badValue("partitions", partitions, "a number >= 1");
    }
    replicationFactor = replicationFactor == null ? 1 : replicationFactor;
    if (replicationFactor < 1) {
      throw ConfigException.badValue("replicationFactor", replicationFactor, "a number >= 1");
    }
    clientProperties = clientProperties == null ? Map.of() : new TreeMap<>(clientProperties);
    for (var entry : clientProperties.entrySet()) {
      if (RESERVED.containsKey(entry.getKey())) {
        throw ConfigException.badValue(
            "clientProperties." + entry.getKey(), entry.getValue(), RESERVED.get(entry.getKey()));
      }
      if (entry.getValue() == null) {
        throw ConfigException.badValue("clientProperties." + entry.getKey(), null, "a value");
      }
    }
    clientProperties = java.util.Collections.unmodifiableMap(clientProperties);
  }

  /** The embedded broker, default topics, no client properties. */
  public static KafkaConfig defaults() {
    return new KafkaConfig(null, null, null, null, null);
  }

  public static KafkaConfig forBootstrap(String bootstrapServers) {
    return defaults().withBootstrapServers(bootstrapServers);
  }

  /** The same settings pointed at a broker, e.g. the one Tributary just started. */
  public KafkaConfig withBootstrapServers(String servers) {
    return new KafkaConfig(servers, topics, partitions, replicationFactor, clientProperties);
  }

  public boolean startsOwnBroker() {
    return bootstrapServers == null;
  }

  /** The properties of {@link #RESERVED}, for tests and documentation. */
  public static Set<String> reservedProperties() {
    return RESERVED.keySet();
  }
}
