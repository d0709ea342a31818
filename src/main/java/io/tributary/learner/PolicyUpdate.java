package io.tributary.learner;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.RolloutGroup;
import io.tributary.grpo.UpdateStats;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import io.tributary.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The update and what it publishes: runs the GRPO trainer on a batch, writes the next policy
 * version to the store (with the learner's state in its metadata) and announces it on the
 * policy-versions topic. A policy version counts the updates published; the step counts the
 * optimizer steps they took, which is more than one per version when an update runs several
 * mini-batches.
 */
final class PolicyUpdate {
  private final PolicyStore store;
  private final PolicyModel policy;
  private final Tokenizer tokenizer;
  private final GrpoTrainer trainer;
  private final KafkaProducer<String, Message> producer;
  private final String policyVersionsTopic;
  private long version;
  private long step;

  PolicyUpdate(
      PolicyStore store,
      PolicyModel policy,
      Tokenizer tokenizer,
      GrpoTrainer trainer,
      KafkaProducer<String, Message> producer,
      KafkaConfig kafka) {
    this.store = store;
    this.policy = policy;
    this.tokenizer = tokenizer;
    this.trainer = trainer;
    this.producer = producer;
    this.policyVersionsTopic = kafka.topics().policyVersions();
  }

  long version() {
    return version;
  }

  long step() {
    return step;
  }

  /**
   * Loads the newest policy version from the store into the policy (or saves the policy as version
   * 0 when the store is empty), announces it, and returns the learner state saved with it.
   */
  LearnerState start(long initialStep) {
    LearnerState state = LearnerState.empty();
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
    announce(store.latest().orElseThrow(), Map.of());
    return state;
  }

  /** One GRPO update of the policy on {@code groups}; the version moves on at {@link #publish}. */
  UpdateStats train(List<RolloutGroup> groups) {
    UpdateStats stats = trainer.update(groups, version);
    version++;
    step += stats.optimizerSteps();
    return stats;
  }

  /** Saves the updated policy as the new version with {@code state}, then announces it. */
  void publish(LearnerState state, Map<String, Double> metrics) {
    announce(store.save(policy, tokenizer.spec(), version, step, state.toMetadata()), metrics);
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
          .send(new ProducerRecord<>(policyVersionsTopic, String.valueOf(entry.version()), event))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not announce policy version " + entry.version() + ": " + e.getMessage(), e);
    }
  }
}
