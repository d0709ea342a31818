package io.tributary.run;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.LoraPolicies;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.model.DeviceChoice;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Ties a run's recorded weight hashes to the checkpoints it announced. A checkpoint file's SHA-256
 * (the one announced on the policy-versions topic) covers its header too, whose write time a replay
 * cannot reproduce; so a version still in the store is checked link by link: the announced hash is
 * the file's, and the file's weights hash to what the run recorded, which the replay must match.
 */
final class AnnouncedCheckpoints {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Map<Long, String> announced;
  private final PolicyStore store;
  private final DeviceChoice device;

  private AnnouncedCheckpoints(
      Map<Long, String> announced, PolicyStore store, DeviceChoice device) {
    this.announced = announced;
    this.store = store;
    this.device = device;
  }

  /**
   * The run's announcements, read from the beginning of its policy-versions topic, for the versions
   * in the policy store {@code policies}.
   */
  static AnnouncedCheckpoints read(KafkaConfig kafka, Path policies, DeviceChoice device) {
    Map<Long, String> announced = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(kafka, null)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(kafka.topics().policyVersions())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          PolicyVersionEvent e = MessageCodec.decode(r.value(), PolicyVersionEvent.class);
          // a resumed learner announces its newest version again, with the same file
          announced.put(e.version(), e.checksumSha256());
        }
      }
    }
    return new AnnouncedCheckpoints(announced, new PolicyStore(policies, 1), device);
  }

  /**
   * The hash of the weights in the announced checkpoint of {@code version}, when the store still
   * holds it; empty when it was pruned. A file that is not what was announced is an error.
   */
  Optional<String> weightsSha256(long version) {
    Optional<PolicyModel> policy = policy(version);
    if (policy.isEmpty()) {
      return Optional.empty();
    }
    try (PolicyModel model = policy.get()) {
      return Optional.of(TrainedGroupsLog.weightsSha256(model));
    }
  }

  /**
   * The policy of the announced checkpoint of {@code version} when the store still holds it, for
   * the caller to close; a file that is not what was announced is an error.
   */
  Optional<PolicyModel> policy(long version) {
    Path file = store.pathOf(version);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String sha = Checkpoint.sha256(file);
    String expected = announced.get(version);
    if (expected == null) {
      throw new IllegalStateException(
          file + ": version " + version + " was never announced on the policy-versions topic");
    }
    if (!expected.equals(sha)) {
      throw new IllegalStateException(
          file + ": SHA-256 " + sha + ", but the run announced " + expected + " for it");
    }
    return Optional.of(LoraPolicies.load(Checkpoint.read(file), null, device));
  }
}
