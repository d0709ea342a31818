package io.tributary.rollout;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka records to {@link RawInput}s without judging them: decoding happens in the job, where a bad
 * record becomes a dead letter (a throwing deserializer would fail the whole job instead).
 */
final class RawInputDeserializer implements KafkaRecordDeserializationSchema<RawInput> {
  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawInput> out) {
    String payload =
        record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    out.collect(
        new RawInput(
            InputOrigin.topic(record.topic(), record.partition(), record.offset()), payload));
  }

  @Override
  public TypeInformation<RawInput> getProducedType() {
    return TypeInformation.of(RawInput.class);
  }
}
