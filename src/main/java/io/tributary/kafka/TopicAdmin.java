package io.tributary.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates Tributary's topics when they are missing; running it again changes nothing. */
public final class TopicAdmin {
  private static final long TIMEOUT_SECONDS = 60;

  /** The topic's record size limit: a whole scored group is one record. */
  static final String MAX_MESSAGE_BYTES = "max.message.bytes";

  /**
   * A run is replayed from its scored topic, and its policy versions are checked against the
   * announced hashes, so the topics a run creates keep every record for the run's life: no time or
   * size limit (the broker's defaults delete after 7 days).
   */
  static final Map<String, String> KEEP_FOR_THE_RUN =
      Map.of("retention.ms", "-1", "retention.bytes", "-1");

  private TopicAdmin() {}

  /** One topic after {@link #ensureTopics}: whether this call created it, and its partitions. */
  public record TopicState(String name, boolean created, int partitions) {}

  public static List<TopicState> ensureTopics(KafkaConfig settings) {
    try (Admin admin = KafkaClients.admin(settings)) {
      List<String> names = settings.topics().all();
      List<Boolean> created = new ArrayList<>();
      for (String name : names) {
        created.add(create(admin, settings, name));
      }
      Map<String, TopicDescription> described = describeWhenVisible(admin, names);
      List<TopicState> states = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        states.add(
            new TopicState(
                names.get(i), created.get(i), described.get(names.get(i)).partitions().size()));
      }
      return states;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /**
   * CreateTopics returns once the controller has the topic; the broker learns it from the metadata
   * log a moment later, and a describe before then fails with UnknownTopicOrPartition.
   */
  private static Map<String, TopicDescription> describeWhenVisible(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static boolean create(Admin admin, KafkaConfig settings, String name)
      throws InterruptedException, TimeoutException {
    NewTopic topic =
        new NewTopic(name, settings.partitions(), settings.replicationFactor())
            .configs(topicConfigs());
    try {
      admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw unreachable(settings, e);
    }
  }

  static Map<String, String> topicConfigs() {
    Map<String, String> configs = new java.util.HashMap<>(KEEP_FOR_THE_RUN);
    configs.put(MAX_MESSAGE_BYTES, Integer.toString(KafkaClients.MAX_RECORD_BYTES));
    return configs;
  }

  private static IllegalStateException unreachable(KafkaConfig settings, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException(
        "cannot create topics on Kafka at " + settings.bootstrapServers() + ": " + cause, cause);
  }
}
