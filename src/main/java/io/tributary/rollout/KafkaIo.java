package io.tributary.rollout;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The real sources and sinks of the rollout job, built from the {@code kafka:} settings so that
 * every configured client property (TLS, SASL, compression) reaches them and every reader is
 * read_committed ({@link KafkaClients}).
 */
public final class KafkaIo {
  /**
   * Transactions must outlive a checkpoint interval plus recovery, and stay below the broker's
   * {@code transaction.max.timeout.ms} (15 minutes by default; Tributary's broker allows an hour).
   */
  public static final int TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;

  /**
   * How long the sinks' producers wait to fill a batch, unless {@code kafka.clientProperties} says
   * otherwise. Kafka's default (5 ms) sends a produce request for every few rollouts, and the
   * broker's cost is per request (docs/engineering-notes.md, "Producer linger"). An exactly-once
   * sink's records become visible only when its transaction commits with the next checkpoint (and
   * Flink flushes the producer then), so lingering delays no reader there; an at-least-once sink's
   * records reach readers up to this much later.
   */
  public static final int SINK_LINGER_MS = 100;

  /** Room for a lingered batch of rollouts (a few KiB each) per partition. */
  public static final int SINK_BATCH_BYTES = 256 * 1024;

  private KafkaIo() {}

  /**
   * Raw records of {@code topic}. The source commits its offsets to {@code groupId} on each
   * completed checkpoint (for monitoring and for a later job to resume from).
   *
   * @param fromEarliest start at the beginning; otherwise at the group's committed offsets (the
   *     beginning for a new group)
   * @param bounded stop at the offsets that are the latest when the job starts
   */
  public static KafkaSource<RawInput> source(
      KafkaConfig settings, String topic, String groupId, boolean fromEarliest, boolean bounded) {
    Properties consumer = KafkaClients.consumerProperties(settings, groupId);
    var builder =
        KafkaSource.<RawInput>builder()
            .setBootstrapServers(settings.bootstrapServers())
            .setProperties(consumer)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(
                fromEarliest
                    ? OffsetsInitializer.earliest()
                    : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawInputDeserializer());
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** A sink of messages to {@code topic}, keyed by {@link Message#key()}. */
  public static <T extends Message> KafkaSink<T> sink(
      KafkaConfig settings, String topic, Delivery delivery, String transactionalIdPrefix) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setKafkaProducerConfig(sinkProducerProperties(settings))
        .setRecordSerializer(new MessageRecordSerializer<>(topic))
        .setDeliveryGuarantee(
            delivery == Delivery.EXACTLY_ONCE
                ? DeliveryGuarantee.EXACTLY_ONCE
                : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }

  /** The sinks' producer settings: the clients' own, a long transaction timeout, batching. */
  static Properties sinkProducerProperties(KafkaConfig settings) {
    Properties producer = KafkaClients.producerProperties(settings);
    producer.setProperty("transaction.timeout.ms", Integer.toString(TRANSACTION_TIMEOUT_MS));
    producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(SINK_LINGER_MS));
    producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(SINK_BATCH_BYTES));
    return producer;
  }
}
