package io.tributary.learner;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The learner's side of Kafka: reads scored groups read_committed from the positions of the newest
 * checkpoint, dead-letters what cannot be trained (a record that does not decode, a group with a
 * member without a total), holds the rest until the update takes a batch, and after each update
 * works out and commits the positions to resume from. A group sampled with another sampling spec
 * than the learner's stops the learner with both values: its loss would be computed at the wrong
 * temperature, G or budget.
 */
final class ScoredGroupReader implements AutoCloseable {
  private final LearnerConfig config;
  private final KafkaConfig kafka;
  private final SamplingConfig sampling;
  private final KafkaConsumer<String, byte[]> consumer;
  private final LearnerDeadLetters deadLetters;
  private final List<ReadGroup> ready = new ArrayList<>();

  /** A group read from the topic, waiting for its batch, and where it was read. */
  record ReadGroup(ScoredGroup group, int partition, long offset) {}

  ScoredGroupReader(
      LearnerConfig config,
      KafkaConfig kafka,
      SamplingConfig sampling,
      KafkaProducer<String, Message> producer) {
    this.config = config;
    this.kafka = kafka;
    this.sampling = sampling;
    this.consumer = KafkaClients.bytesConsumer(kafka, config.consumerGroup());
    this.deadLetters = new LearnerDeadLetters(producer, kafka);
  }

  /** Assigns every partition and reads on from {@code state}'s positions (else the beginning). */
  void seek(LearnerState state) {
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(kafka.topics().scoredRollouts())
        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    for (TopicPartition tp : partitions) {
      Long position = state.positions().get(tp.partition());
      if (position != null) {
        consumer.seek(tp, position);
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
  }

  /** One poll; what can be trained joins the held groups, counted in {@code state}. */
  void poll(LearnerState state) {
    for (ConsumerRecord<String, byte[]> record :
        consumer.poll(Duration.ofMillis(config.pollMillis()))) {
      accept(record, state);
    }
  }

  int held() {
    return ready.size();
  }

  /** The oldest {@code n} held groups, which stop being held. */
  List<ReadGroup> take(int n) {
    List<ReadGroup> batch = new ArrayList<>(ready.subList(0, n));
    ready.subList(0, n).clear();
    return batch;
  }

  private void accept(ConsumerRecord<String, byte[]> record, LearnerState state) {
    if (state.deadLetteredAhead().contains(List.of((long) record.partition(), record.offset()))) {
      state.count("skipped_already_dead_lettered", 1);
      return;
    }
    ScoredGroup group;
    try {
      group = MessageCodec.decode(record.value(), ScoredGroup.class);
    } catch (RuntimeException e) {
      state.count("malformed_records", 1);
      deadLetters.undecodable(record.partition(), record.offset(), record.value(), e.getMessage());
      return;
    }
    if (state.trainedAhead().containsKey(group.groupId())) {
      state.count("skipped_already_trained", 1);
      return;
    }
    SamplingConfig.requireSame(
        sampling,
        "the learner (grpo.sampling)",
        group.sampling(),
        "group "
            + group.groupId()
            + " (partition "
            + record.partition()
            + ", offset "
            + record.offset()
            + ")");
    if (!group.isScored()) {
      state.count("unscored_groups", 1);
      state.count("dead_lettered_groups", 1);
      deadLetters.unscored(
          record.partition(),
          record.offset(),
          record.value(),
          "group "
              + group.groupId()
              + ": not scored, "
              + group.scoringFailure()
              + "; a member without a total has no advantage, so the group is not trained");
      return;
    }
    ready.add(new ReadGroup(group, record.partition(), record.offset()));
  }

  /**
   * The state to resume from once {@code batch} is dealt with (trained or dropped): per partition
   * the next offset to read, below every group still held, and the groups and dead letters at or
   * past those positions, which a resumed learner must skip.
   */
  LearnerState after(List<ReadGroup> batch, LearnerState state) {
    Map<Integer, Long> commit = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      commit.put(tp.partition(), consumer.position(tp));
    }
    for (ReadGroup h : ready) {
      commit.merge(h.partition(), h.offset(), Math::min);
    }
    // groups interleave in a partition, so a trained group can lie past a position held back
    Map<String, List<Long>> ahead = new HashMap<>();
    state
        .trainedAhead()
        .forEach(
            (id, at) -> {
              if (at.get(1) >= commit.getOrDefault(at.get(0).intValue(), Long.MAX_VALUE)) {
                ahead.put(id, at);
              }
            });
    for (ReadGroup h : batch) {
      if (h.offset() >= commit.getOrDefault(h.partition(), Long.MAX_VALUE)) {
        ahead.put(h.group().groupId(), List.of((long) h.partition(), h.offset()));
      }
    }
    return new LearnerState(
        commit, ahead, deadLetters.atOrPast(commit, state.deadLetteredAhead()), state.counters());
  }

  /** Commits {@code state}'s positions to the consumer group (the checkpoint has them first). */
  void commit(LearnerState state) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    state
        .positions()
        .forEach(
            (p, o) ->
                offsets.put(
                    new TopicPartition(kafka.topics().scoredRollouts(), p),
                    new OffsetAndMetadata(o)));
    consumer.commitSync(offsets);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
