package io.tributary.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A scored group is one Kafka record, so the largest groups set the size limits: a group of 16
 * completions of 1,024 tokens, and one of 4,096 tokens each, which is past Kafka's 1 MiB defaults,
 * go through a real broker in a transaction and come back whole to a read_committed reader.
 */
class KafkaRecordSizeTest {
  static final int KAFKA_DEFAULT_LIMIT = 1024 * 1024;

  @Test
  void aGroupOf16CompletionsOf1024TokensIsAFractionOfTheRecordLimit() {
    ScoredGroup group = KafkaBenchmark.sampleGroups(1, 16, 1024).get(0);

    int bytes = MessageCodec.encode(group).length;

    System.out.printf("a scored group of 16 x 1,024 tokens: %,d bytes of JSON%n", bytes);
    // about 22 bytes a token: a 5-digit id, a float log-prob and its text
    assertThat(bytes).isBetween(16 * 1024 * 15, 16 * 1024 * 30);
    assertThat(bytes).isLessThan(KafkaClients.MAX_RECORD_BYTES / 8);
  }

  @Test
  void theLargestGroupsRoundTripThroughARealBrokerExactlyOnceAndReadCommitted() throws Exception {
    ScoredGroup typical = KafkaBenchmark.sampleGroups(1, 16, 1024).get(0);
    ScoredGroup long4k = KafkaBenchmark.sampleGroups(1, 16, 4096).get(0);
    assertThat(MessageCodec.encode(long4k).length)
        .as("needs the raised limits")
        .isGreaterThan(KAFKA_DEFAULT_LIMIT);

    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      KafkaConfig settings = KafkaConfig.forBootstrap(broker.bootstrapServers());
      TopicAdmin.ensureTopics(settings);
      String topic = settings.topics().scoredRollouts();
      try (KafkaProducer<String, ScoredGroup> producer =
          KafkaClients.transactionalProducer(settings, "size-tx")) {
        producer.initTransactions();
        producer.beginTransaction();
        for (ScoredGroup g : List.of(typical, long4k)) {
          producer.send(new ProducerRecord<>(topic, g.key(), g));
        }
        producer.commitTransaction();
      }

      List<ScoredGroup> read = new ArrayList<>();
      try (KafkaConsumer<String, byte[]> reader = KafkaClients.bytesConsumer(settings, null)) {
        List<TopicPartition> partitions =
            reader.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.size() < 2 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
            read.add(MessageCodec.decode(r.value(), ScoredGroup.class));
          }
        }
      }

      assertThat(read).containsExactlyInAnyOrder(typical, long4k);
    }
  }
}
