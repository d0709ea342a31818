package io.tributary.kafka;

import io.tributary.config.ConfigException;
import io.tributary.messages.Message;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every Kafka client of Tributary is built here, so that the configured client properties (TLS,
 * SASL, compression) reach all of them and every reader uses {@code read_committed}: rollouts are
 * written in transactions that commit with Flink's checkpoints, and a {@code read_uncommitted}
 * reader would see records of aborted attempts, i.e. duplicates (docs/engineering-notes.md,
 * "read_committed readers"). The Properties builders also serve Flink's KafkaSource and KafkaSink
 * builders.
 */
public final class KafkaClients {
  /**
   * The largest record Tributary writes or reads: a scored group is one record, and one of 16
   * completions of 1,024 tokens is about 0.4 MB of JSON (KafkaRecordSizeTest), over Kafka's 1 MiB
   * default once prompts and completions grow. 8 MiB leaves room for 16 x 4,096 tokens with
   * large-vocabulary ids, and its dead letter (the group as escaped text). Set on every topic
   * Tributary creates ({@code max.message.bytes}), every producer ({@code max.request.size}) and
   * every consumer ({@code max.partition.fetch.bytes}), unless the client properties set them.
   */
  public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

  /** A consumer's whole fetch: several of the largest records per poll. */
  public static final int MAX_FETCH_BYTES = 8 * MAX_RECORD_BYTES;

  private KafkaClients() {}

  /** Bootstrap servers and the configured client properties: the base of every client. */
  public static Properties common(KafkaConfig settings) {
    if (settings.bootstrapServers() == null) {
      throw new ConfigException(
          "kafka.bootstrapServers: not set; start the project's broker first"
              + " (settings.withBootstrapServers(broker.bootstrapServers()))");
    }
    Properties p = new Properties();
    p.putAll(settings.clientProperties());
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    return p;
  }

  public static Properties adminProperties(KafkaConfig settings) {
    return common(settings);
  }

  /** Idempotent, acks=all; serializers are left to the caller (Flink sets its own). */
  public static Properties producerProperties(KafkaConfig settings) {
    Properties p = common(settings);
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES));
    return p;
  }

  /**
   * read_committed, no auto-commit (a reader commits offsets after it has used the records, so a
   * crash re-reads instead of losing them), earliest offset for a new group.
   *
   * @param groupId the consumer group, or null for a reader that assigns partitions itself
   */
  public static Properties consumerProperties(KafkaConfig settings, String groupId) {
    Properties p = common(settings);
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES));
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
    if (groupId != null) {
      p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    return p;
  }

  public static Admin admin(KafkaConfig settings) {
    return Admin.create(adminProperties(settings));
  }

  public static <T extends Message> KafkaProducer<String, T> producer(KafkaConfig settings) {
    return new KafkaProducer<>(
        producerProperties(settings), new StringSerializer(), MessageSerde.serializer());
  }

  /** A producer whose sends are visible to readers only after {@code commitTransaction()}. */
  public static <T extends Message> KafkaProducer<String, T> transactionalProducer(
      KafkaConfig settings, String transactionalId) {
    Properties p = producerProperties(settings);
    p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(p, new StringSerializer(), MessageSerde.serializer());
  }

  public static <T extends Message> KafkaConsumer<String, T> consumer(
      KafkaConfig settings, String groupId, Class<T> type) {
    return new KafkaConsumer<>(
        consumerProperties(settings, groupId),
        new StringDeserializer(),
        MessageSerde.deserializer(type));
  }

  /** A consumer of raw values, for readers that decode themselves and skip bad records. */
  public static KafkaConsumer<String, byte[]> bytesConsumer(KafkaConfig settings, String groupId) {
    return new KafkaConsumer<>(
        consumerProperties(settings, groupId),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }
}
