package io.tributary.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class KafkaSettingsTest {
  private static final String SECURED =
      """
      bootstrapServers: kafka-1:9093,kafka-2:9093
      partitions: 8
      topics:
        scoredRollouts: team.rollouts
      clientProperties:
        security.protocol: SASL_SSL
        sasl.mechanism: SCRAM-SHA-512
        ssl.truststore.location: /etc/kafka/truststore.jks
        compression.type: zstd
      """;

  @Test
  void aSectionLeftOutGetsTheEmbeddedBrokerAndDefaultTopics() {
    KafkaConfig settings = Yaml.read("{}", KafkaConfig.class, "test.yaml");

    assertThat(settings.startsOwnBroker()).isTrue();
    assertThat(settings.topics()).isEqualTo(KafkaTopics.DEFAULTS);
    assertThat(settings.partitions()).isEqualTo(KafkaConfig.DEFAULT_PARTITIONS);
    assertThat(settings.topics().all())
        .containsExactly(
            "tributary.prompts",
            "tributary.scored-rollouts",
            "tributary.policy-versions",
            "tributary.dead-letters");
  }

  @Test
  void clientPropertiesReachEveryProducerConsumerAndAdminClient() {
    KafkaConfig settings = Yaml.read(SECURED, KafkaConfig.class, "secured.yaml");

    for (Properties p :
        List.of(
            KafkaClients.producerProperties(settings),
            KafkaClients.consumerProperties(settings, "learner"),
            KafkaClients.adminProperties(settings))) {
      assertThat(p)
          .containsEntry("bootstrap.servers", "kafka-1:9093,kafka-2:9093")
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
          .containsEntry("compression.type", "zstd");
    }
    assertThat(settings.topics().scoredRollouts()).isEqualTo("team.rollouts");
    assertThat(settings.topics().prompts()).isEqualTo("tributary.prompts");
  }

  @Test
  void consumersAlwaysReadCommittedAndProducersAreIdempotent() {
    KafkaConfig settings = KafkaConfig.forBootstrap("127.0.0.1:9092");

    assertThat(KafkaClients.consumerProperties(settings, "g"))
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("group.id", "g");
    assertThat(KafkaClients.producerProperties(settings))
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all");
  }

  static final List<List<String>> BAD_CONFIGS =
      List.of(
          List.of("partitions: 0", "partitions: got 0, expected a number >= 1"),
          List.of("topics: {prompts: 'has space'}", "topics.prompts: got 'has space'"),
          List.of(
              "topics: {prompts: same, deadLetters: same}",
              "topics: got 'same', expected four different topic names"),
          List.of(
              "clientProperties: {isolation.level: read_uncommitted}",
              "clientProperties.isolation.level: got 'read_uncommitted', expected nothing:"
                  + " readers always use read_committed"),
          List.of(
              "clientProperties: {bootstrap.servers: x:1}",
              "clientProperties.bootstrap.servers: got 'x:1', expected the bootstrapServers key"),
          List.of("bootstrap: x:1", "unknown key 'bootstrap'"));

  @ParameterizedTest
  @FieldSource("BAD_CONFIGS")
  void aBadKafkaSectionNamesTheKeyAndTheValue(List<String> yamlAndMessage) {
    assertThatThrownBy(() -> Yaml.read(yamlAndMessage.get(0), KafkaConfig.class, "run.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(yamlAndMessage.get(1));
  }

  @Test
  void clientsCannotBeBuiltBeforeTheBrokerIsKnown() {
    assertThatThrownBy(() -> KafkaClients.consumerProperties(KafkaConfig.defaults(), "g"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrapServers: not set");
  }
}
