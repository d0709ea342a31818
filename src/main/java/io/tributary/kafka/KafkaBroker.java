package io.tributary.kafka;

/** A running Kafka broker that Tributary started; closing it stops it. */
public interface KafkaBroker extends AutoCloseable {
  /** The address clients connect to, e.g. {@code 127.0.0.1:39123}. */
  String bootstrapServers();

  @Override
  void close();
}
