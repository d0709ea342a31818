package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaIoTest {
  @Test
  void sinkProducersLingerToBatchRolloutsAndKeepTheLongTransactionTimeout() {
    Properties producer =
        KafkaIo.sinkProducerProperties(KafkaConfig.forBootstrap("127.0.0.1:9092"));

    assertThat(producer)
        .containsEntry("linger.ms", "100")
        .containsEntry("batch.size", Integer.toString(256 * 1024))
        .containsEntry("transaction.timeout.ms", Integer.toString(15 * 60 * 1000))
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all");
  }

  @Test
  void configuredClientPropertiesOverrideTheSinkBatchingDefaults() {
    KafkaConfig settings =
        new KafkaConfig(
            "127.0.0.1:9092",
            KafkaTopics.DEFAULTS,
            1,
            null,
            Map.of("linger.ms", "0", "batch.size", "16384"));

    Properties producer = KafkaIo.sinkProducerProperties(settings);

    assertThat(producer).containsEntry("linger.ms", "0").containsEntry("batch.size", "16384");
  }
}
