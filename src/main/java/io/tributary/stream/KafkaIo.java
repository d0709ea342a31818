package io.tributary.stream;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.messages.Message;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

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
      KafkaSettings settings, String topic, String groupId, boolean fromEarliest, boolean bounded) {
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
      KafkaSettings settings, String topic, Delivery delivery, String transactionalIdPrefix) {
    Properties producer = KafkaClients.producerProperties(settings);
    producer.setProperty("transaction.timeout.ms", Integer.toString(TRANSACTION_TIMEOUT_MS));
    return KafkaSink.<T>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setKafkaProducerConfig(producer)
        .setRecordSerializer(new MessageRecordSerializer<>(topic))
        .setDeliveryGuarantee(
            delivery == Delivery.EXACTLY_ONCE
                ? DeliveryGuarantee.EXACTLY_ONCE
                : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }
}
