package io.tributary.loop;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.RolloutGroup;
import io.tributary.grpo.UpdateStats;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.SamplingSpec;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.Tokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The learner of the closed loop: reads scored groups read_committed (one record per prompt,
 * whole), drops or down-weights stale ones, computes their advantages (the only place they are
 * computed), runs the GRPO update on each full batch, writes the next policy version to the store,
 * announces it on the policy-versions topic, and only then commits the Kafka offsets of what it
 * trained on. Resuming from the newest checkpoint reads on exactly where that checkpoint's update
 * left off, so no group is trained on twice. A record that does not decode is dead-lettered ({@link
 * LearnerDeadLetters}) and counts as read: it holds back neither the committed offsets nor, as the
 * feeder reads the letters, a prompt slot. So is a group with a member that has no total (a reward
 * function failed on it): it is never trained, and counted as {@code unscored_groups}. A group
 * sampled with another sampling spec than the learner's stops the learner with both values: its
 * loss would be computed at the wrong temperature, G or budget.
 */
public final class LearnerService implements AutoCloseable {
  private final LearnerConfig config;
  private final KafkaSettings kafka;
  private final PolicyStore store;
  private final PolicyModel policy;
  private final Tokenizer tokenizer;
  private final GrpoTrainer trainer;
  private final Consumer<Map<String, Object>> onUpdate;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, Message> producer;
  private final List<Held> ready = new ArrayList<>();
  private LearnerState state = LearnerState.empty();
  private final LearnerDeadLetters deadLetters;
  private BiConsumer<Long, List<String>> beforeSave = (v, ids) -> {};
  private TrainedGroupsLog trainedGroups;
  private long version;
  private long step;

  public LearnerService(
      LearnerConfig config,
      KafkaSettings kafka,
      PolicyStore store,
      PolicyModel policy,
      Tokenizer tokenizer,
      GrpoTrainer trainer,
      Consumer<Map<String, Object>> onUpdate) {
    this.config = config;
    this.kafka = kafka;
    this.store = store;
    this.policy = policy;
    this.tokenizer = tokenizer;
    this.trainer = trainer;
    this.onUpdate = onUpdate;
    this.consumer = KafkaClients.bytesConsumer(kafka, config.consumerGroup());
    this.producer = KafkaClients.producer(kafka);
    this.deadLetters = new LearnerDeadLetters(producer, kafka);
  }

  /**
   * Receives each new version and the rollout ids trained into it just before its checkpoint is
   * written, for an audit log: a crash after this call and before the save leaves an entry that the
   * resumed learner's entry for the same version replaces.
   */
  public LearnerService beforeSave(BiConsumer<Long, List<String>> audit) {
    this.beforeSave = audit;
    return this;
  }

  /** Records what each version trained on, for replay from the log, just before it is saved. */
  public LearnerService recordTrainedGroups(TrainedGroupsLog log) {
    this.trainedGroups = log;
    return this;
  }

  /** A group read from the topic, waiting for its batch, and where it was read. */
  private record Held(ScoredGroup group, int partition, long offset) {}

  public long version() {
    return version;
  }

  public long counter(String name) {
    return state.counters().getOrDefault(name, 0L);
  }

  /**
   * Loads the newest policy version from the store (or publishes {@code initial} as version 0 when
   * the store is empty), positions the consumer, and announces the version in use.
   */
  public void start(long initialStep) {
    var latest = store.latest();
    if (latest.isPresent()) {
      Checkpoint checkpoint = Checkpoint.read(latest.get().path());
      checkpoint.loadInto(policy);
      version = checkpoint.header().policyVersion();
      step = checkpoint.header().trainingStep();
      state = LearnerState.fromMetadata(checkpoint.header().metadata());
    } else {
      version = 0;
      step = initialStep;
      store.save(policy, tokenizer.spec(), 0, step, state.toMetadata());
    }
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
    announce(store.latest().orElseThrow(), Map.of());
  }

  /** Polls and trains until {@code stop} says so. */
  public void run(BooleanSupplier stop) {
    IntraOpThreads.setForThisThread(config.threads());
    while (!stop.getAsBoolean()) {
      pollOnce();
    }
  }

  /** One poll; trains when a full batch of groups is ready. Returns true when it trained. */
  public boolean pollOnce() {
    for (ConsumerRecord<String, byte[]> record :
        consumer.poll(Duration.ofMillis(config.pollMillis()))) {
      accept(record);
    }
    int batch = trainer.config().promptsPerStep();
    if (ready.size() < batch) {
      return false;
    }
    List<Held> groups = new ArrayList<>(ready.subList(0, batch));
    ready.subList(0, batch).clear();
    train(groups);
    return true;
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    if (state.deadLetteredAhead().contains(List.of((long) record.partition(), record.offset()))) {
      count("skipped_already_dead_lettered", 1);
      return;
    }
    ScoredGroup group;
    try {
      group = MessageCodec.decode(record.value(), ScoredGroup.class);
    } catch (RuntimeException e) {
      count("malformed_records", 1);
      deadLetters.undecodable(record.partition(), record.offset(), record.value(), e.getMessage());
      return;
    }
    if (state.trainedAhead().containsKey(group.groupId())) {
      count("skipped_already_trained", 1);
      return;
    }
    SamplingSpec.requireSame(
        trainer.config().sampling(),
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
      count("unscored_groups", 1);
      count("dead_lettered_groups", 1);
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
    ready.add(new Held(group, record.partition(), record.offset()));
  }

  private void train(List<Held> heldGroups) {
    List<RolloutGroup> groups = new ArrayList<>();
    List<ScoredGroup> kept = new ArrayList<>();
    List<TrainedGroupsLog.TrainedGroup> trainedAt = new ArrayList<>();
    for (Held held : heldGroups) {
      ScoredGroup group = held.group();
      long age = version - group.policyVersion();
      double weight = 1.0;
      if (age > config.maxStaleness()) {
        count("stale_rollouts", group.size());
        if (config.staleness() == StalenessPolicy.DROP) {
          count("stale_dropped", group.size());
          continue;
        }
        weight = Math.pow(config.downweightFactor(), age - config.maxStaleness());
      }
      groups.add(TrainingGroups.toGroup(group, weight));
      kept.add(group);
      trainedAt.add(
          new TrainedGroupsLog.TrainedGroup(
              kafka.topics().scoredRollouts(),
              held.partition(),
              held.offset(),
              group.groupId(),
              weight));
    }
    long updateStart = System.nanoTime();
    UpdateStats stats = groups.isEmpty() ? null : trainer.update(groups, version);
    double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
    if (stats != null) {
      version++;
      step++;
      count("trained_rollouts", groups.stream().mapToLong(RolloutGroup::size).sum());
    }
    Map<Integer, Long> commit = commitPositions();
    // trained rollouts at or past the new read positions must be skipped after a restart
    Map<String, List<Long>> ahead = new HashMap<>();
    state
        .trainedAhead()
        .forEach(
            (id, at) -> {
              if (at.get(1) >= commit.getOrDefault(at.get(0).intValue(), Long.MAX_VALUE)) {
                ahead.put(id, at);
              }
            });
    for (Held h : heldGroups) {
      if (h.offset() >= commit.getOrDefault(h.partition(), Long.MAX_VALUE)) {
        ahead.put(h.group().groupId(), List.of((long) h.partition(), h.offset()));
      }
    }
    state =
        new LearnerState(
            commit,
            ahead,
            deadLetters.atOrPast(commit, state.deadLetteredAhead()),
            state.counters());
    if (stats == null) {
      return; // everything was stale: nothing new to save, the positions move on at the next update
    }
    Map<String, Double> metrics = metrics(stats);
    beforeSave.accept(version, TrainingGroups.rolloutIds(kept));
    if (trainedGroups != null) {
      trainedGroups.record(version, step, updateSeconds, trainedAt);
    }
    PolicyStore.Entry entry =
        store.save(policy, tokenizer.spec(), version, step, state.toMetadata());
    announce(entry, metrics);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    commit.forEach(
        (p, o) ->
            offsets.put(
                new TopicPartition(kafka.topics().scoredRollouts(), p), new OffsetAndMetadata(o)));
    consumer.commitSync(offsets);
    Map<String, Object> report = new LinkedHashMap<>(metrics);
    report.put("version", version);
    report.put("groups", groups.size());
    report.put("stale_dropped", counter("stale_dropped"));
    heldGroups.stream()
        .mapToLong(h -> version - 1 - h.group().policyVersion())
        .max()
        .ifPresent(age -> report.put("max_age", age));
    report.put("trained_rollouts", counter("trained_rollouts"));
    report.put("stale_rollouts", counter("stale_rollouts"));
    report.put("unscored_groups", counter("unscored_groups"));
    putRolloutSummary(report, groups, kept);
    onUpdate.accept(report);
  }

  /**
   * Reward, length and staleness of what this update trained on, one sample for the report, and the
   * trained rollout ids (for auditing that no rollout is trained twice).
   */
  private void putRolloutSummary(
      Map<String, Object> report, List<RolloutGroup> groups, List<ScoredGroup> trained) {
    double reward = 0;
    double length = 0;
    double age = 0;
    int n = 0;
    for (RolloutGroup g : groups) {
      for (int i = 0; i < g.size(); i++) {
        reward += g.scores().get(i).requireTotal();
        length += g.completions().get(i).length();
        age += version - 1 - g.policyVersion();
        n++;
      }
    }
    // called only after an update, so n > 0 and every mean was computed
    report.put("reward_mean", reward / n);
    report.put("completion_length_mean", length / n);
    report.put("staleness_mean", age / n);
    report.put(
        "sampled_version_max",
        groups.stream().mapToLong(RolloutGroup::policyVersion).max().getAsLong());
    ScoredGroup sample = trained.get(0);
    report.put("sample_prompt", sample.prompt());
    report.put("sample_answer", sample.answer());
    report.put("sample_completion", sample.members().get(0).completion());
    report.put("sample_reward", sample.members().get(0).totalReward());
  }

  /** Per partition: the next offset to read after a restart, below every untrained group. */
  private Map<Integer, Long> commitPositions() {
    Map<Integer, Long> commit = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      commit.put(tp.partition(), consumer.position(tp));
    }
    for (Held h : ready) {
      commit.merge(h.partition(), h.offset(), Math::min);
    }
    return commit;
  }

  private Map<String, Double> metrics(UpdateStats s) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", s.loss());
    s.kl().ifPresent(kl -> m.put("kl", kl)); // absent, not 0, without a reference (beta = 0)
    m.put("entropy", s.entropy());
    m.put("clip_frac_region", s.clipFracRegion());
    m.put("grad_norm", s.gradNorm());
    m.put("lr", s.learningRate());
    m.put("frac_reward_zero_std", s.fracZeroStd());
    s.expertShareMax().ifPresent(v -> m.put("expert_load_max", v));
    s.expertShareMin().ifPresent(v -> m.put("expert_load_min", v));
    m.putAll(s.offPolicyMetrics());
    s.routingMismatch().ifPresent(v -> m.put("routing_mismatch", v));
    return m;
  }

  private void announce(PolicyStore.Entry entry, Map<String, Double> metrics) {
    PolicyVersionEvent event =
        new PolicyVersionEvent(
            entry.version(),
            entry.path().toAbsolutePath().toString(),
            entry.sha256(),
            step,
            metrics,
            System.currentTimeMillis());
    try {
      producer
          .send(
              new ProducerRecord<>(
                  kafka.topics().policyVersions(), String.valueOf(entry.version()), event))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not announce policy version " + entry.version() + ": " + e.getMessage(), e);
    }
  }

  private void count(String name, long n) {
    state.counters().merge(name, n, Long::sum);
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
