package io.tributary.rollout;

import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A message as a Kafka record: key {@link Message#key()}, value the JSON codec's bytes, and no
 * timestamp (the broker stamps it). Records emitted from an end-of-input timer carry Flink
 * timestamp Long.MAX_VALUE, which the broker rejects (docs/engineering-notes.md, "Record
 * timestamps").
 */
final class MessageRecordSerializer<T extends Message>
    implements KafkaRecordSerializationSchema<T> {
  private final String topic;

  MessageRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T message, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        null,
        message.key().getBytes(StandardCharsets.UTF_8),
        MessageCodec.encode(message));
  }
}
