package io.tributary.kafka;

import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka's serializer and deserializer for Tributary messages: the one JSON codec on the wire. */
public final class MessageSerde {
  private MessageSerde() {}

  public static <T extends Message> Serializer<T> serializer() {
    return (topic, message) -> message == null ? null : MessageCodec.encode(message);
  }

  /**
   * Fails on a bad record with {@code MessageFormatException}, which Kafka's poll() reports with
   * the partition and offset; readers that must skip bad records read bytes and decode with {@link
   * MessageCodec} themselves (see {@code RolloutTail}).
   */
  public static <T extends Message> Deserializer<T> deserializer(Class<T> type) {
    return (topic, bytes) -> bytes == null ? null : MessageCodec.decode(bytes, type);
  }
}
