package io.tributary.learner;

import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.RolloutGroup;
import io.tributary.grpo.UpdateStats;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import io.tributary.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The learner of the closed loop: reads scored groups ({@link ScoredGroupReader}), drops or
 * down-weights stale ones ({@link StalenessFilter}), runs the GRPO update on each full batch and
 * publishes the next policy version ({@link PolicyUpdate}; advantages are computed there, the only
 * place they are), and only then commits the Kafka offsets of what it trained on. Resuming from the
 * newest checkpoint reads on exactly where that checkpoint's update left off, so no group is
 * trained on twice. A record that does not decode is dead-lettered and counts as read: it holds
 * back neither the committed offsets nor, as the feeder reads the letters, a prompt slot. So is a
 * group with a member that has no total (a reward function failed on it): it is never trained, and
 * counted as {@code unscored_groups}. Each update is reported as an {@link UpdateReport}.
 */
public final class LearnerService implements AutoCloseable {
  private final LearnerConfig config;
  private final GrpoTrainer trainer;
  private final Consumer<UpdateReport> onUpdate;
  private final KafkaProducer<String, Message> producer;
  private final ScoredGroupReader reader;
  private final StalenessFilter staleness;
  private final PolicyUpdate update;
  private final String scoredTopic;
  private LearnerState state = LearnerState.empty();
  private BiConsumer<Long, List<String>> beforeSave = (v, ids) -> {};
  private TrainedGroupsLog trainedGroups;

  public LearnerService(
      LearnerConfig config,
      KafkaConfig kafka,
      PolicyStore store,
      PolicyModel policy,
      Tokenizer tokenizer,
      GrpoTrainer trainer,
      Consumer<UpdateReport> onUpdate) {
    this.config = config;
    this.trainer = trainer;
    this.onUpdate = onUpdate;
    this.producer = KafkaClients.producer(kafka);
    this.reader = new ScoredGroupReader(config, kafka, trainer.config().sampling(), producer);
    this.staleness = new StalenessFilter(config);
    this.update = new PolicyUpdate(store, policy, tokenizer, trainer, producer, kafka);
    this.scoredTopic = kafka.topics().scoredRollouts();
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

  /** The newest policy version: the number of updates published. */
  public long version() {
    return update.version();
  }

  public long counter(String name) {
    return state.counter(name);
  }

  /**
   * Loads the newest policy version from the store (or publishes the policy as version 0 when the
   * store is empty), positions the reader, and announces the version in use.
   *
   * @param initialStep the optimizer step of the policy when the store is empty
   */
  public void start(long initialStep) {
    state = update.start(initialStep);
    reader.seek(state);
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
    reader.poll(state);
    int batch = trainer.config().promptsPerStep();
    if (reader.held() < batch) {
      return false;
    }
    train(reader.take(batch));
    return true;
  }

  private void train(List<ScoredGroupReader.ReadGroup> batch) {
    long trainedVersion = update.version();
    StalenessFilter.Outcome filtered =
        staleness.filter(
            batch.stream().map(ScoredGroupReader.ReadGroup::group).toList(), trainedVersion);
    if (filtered.staleRollouts() > 0) {
      state.count("stale_rollouts", filtered.staleRollouts());
    }
    if (filtered.droppedRollouts() > 0) {
      state.count("stale_dropped", filtered.droppedRollouts());
    }
    List<RolloutGroup> groups = new ArrayList<>();
    List<ScoredGroup> kept = new ArrayList<>();
    // where each kept group was read, for the replay log: the filter keeps the very same records
    Map<ScoredGroup, ScoredGroupReader.ReadGroup> readAt = new IdentityHashMap<>();
    batch.forEach(r -> readAt.put(r.group(), r));
    List<TrainedGroupsLog.TrainedGroup> trainedAt = new ArrayList<>();
    for (StalenessFilter.Kept k : filtered.kept()) {
      groups.add(TrainingGroups.toGroup(k.group(), k.weight()));
      kept.add(k.group());
      ScoredGroupReader.ReadGroup at = readAt.get(k.group());
      trainedAt.add(
          new TrainedGroupsLog.TrainedGroup(
              scoredTopic, at.partition(), at.offset(), k.group().groupId(), k.weight()));
    }
    long updateStart = System.nanoTime();
    UpdateStats stats = groups.isEmpty() ? null : update.train(groups);
    double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
    if (stats != null) {
      state.count("trained_rollouts", groups.stream().mapToLong(RolloutGroup::size).sum());
    }
    state = reader.after(batch, state);
    if (stats == null) {
      return; // everything was stale: nothing new to save, the positions move on at the next update
    }
    // of the groups trained, not of all read: beside a staleness bound that drops, the dropped
    // groups' age would show a maximum above the bound the update never trained on
    OptionalLong maxAge = kept.stream().mapToLong(g -> trainedVersion - g.policyVersion()).max();
    UpdateReport report =
        new UpdateReport(
            update.version(),
            update.step(),
            stats,
            groups.size(),
            new UpdateReport.Counters(
                counter("trained_rollouts"),
                counter("stale_rollouts"),
                counter("stale_dropped"),
                counter("unscored_groups")),
            maxAge,
            trainedOn(groups, trainedVersion),
            sample(kept.get(0)));
    beforeSave.accept(update.version(), TrainingGroups.rolloutIds(kept));
    if (trainedGroups != null) {
      trainedGroups.record(update.version(), update.step(), updateSeconds, trainedAt);
    }
    update.publish(state, report.trainingMetrics());
    reader.commit(state);
    onUpdate.accept(report);
  }

  /** Reward, length and staleness of what an update trained on (at least one rollout). */
  private static UpdateReport.TrainedOn trainedOn(List<RolloutGroup> groups, long trainedVersion) {
    double reward = 0;
    double length = 0;
    double age = 0;
    int n = 0;
    for (RolloutGroup g : groups) {
      for (int i = 0; i < g.size(); i++) {
        reward += g.scores().get(i).requireTotal();
        length += g.completions().get(i).length();
        age += trainedVersion - g.policyVersion();
        n++;
      }
    }
    return new UpdateReport.TrainedOn(
        reward / n,
        length / n,
        age / n,
        groups.stream().mapToLong(RolloutGroup::policyVersion).max().getAsLong());
  }

  private static UpdateReport.Sample sample(ScoredGroup group) {
    ScoredGroup.Member first = group.members().get(0);
    return new UpdateReport.Sample(
        group.prompt(), group.answer(), first.completion(), first.totalReward());
  }

  @Override
  public void close() {
    reader.close();
    producer.close();
  }
}
