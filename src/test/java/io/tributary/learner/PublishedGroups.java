package io.tributary.learner;

import io.tributary.grpo.GroupSampler;
import io.tributary.grpo.RolloutGroup;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scored groups as the rollout job publishes them, really sampled from a policy, for the tests of
 * the learner's side of Kafka (the learner's own tests and the standalone learner's replay).
 */
public final class PublishedGroups {
  private PublishedGroups() {}

  /** {@code count} sums {@code i+(i+offset)=}, ids {@code tag0, tag1, ...}. */
  public static List<TaskPrompt> sums(String tag, int count, int offset) {
    List<TaskPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      prompts.add(
          new TaskPrompt(
              tag + i,
              i + "+" + (i + offset) + "=",
              String.valueOf(2 * i + offset),
              "arithmetic",
              Map.of()));
    }
    return prompts;
  }

  /**
   * One group per prompt, sampled by {@code policy} (said to be {@code version}) and scored by the
   * share of digits in a completion: a reward that differs within a group, so every group has
   * advantages. Group ids are {@code promptId@ORIGIN_PREFIX<index>}.
   */
  public static List<ScoredGroup> sampledAndScored(
      PolicyModel policy,
      Tokenizer tokenizer,
      SamplingConfig spec,
      List<TaskPrompt> prompts,
      long version,
      long seed,
      String originPrefix) {
    RewardScorer.WeightedReward digits =
        new RewardScorer.WeightedReward(
            "digits",
            r ->
                RewardResult.score(
                    r.completion().chars().filter(Character::isDigit).count()
                        / (1.0 + r.completion().length())),
            1.0,
            Duration.ofSeconds(5));
    List<ScoredGroup> out = new ArrayList<>();
    try (RewardScorer scorer = new RewardScorer(List.of(digits), 1)) {
      List<RolloutGroup> sampled =
          new GroupSampler(tokenizer, scorer, spec.params(tokenizer), spec.groupSize(), seed)
              .sample(policy, prompts, version, 0);
      for (int g = 0; g < sampled.size(); g++) {
        RolloutGroup group = sampled.get(g);
        List<ScoredGroup.Member> members = new ArrayList<>();
        for (int j = 0; j < spec.groupSize(); j++) {
          Completion c = group.completions().get(j);
          double total = group.scores().get(j).requireTotal();
          members.add(
              new ScoredGroup.Member(
                  group.texts().get(j),
                  c.tokens(),
                  c.logProbs(),
                  c.finishReason(),
                  version,
                  Map.of("digits", total),
                  Map.of(),
                  total));
        }
        out.add(
            new ScoredGroup(
                ScoredGroup.SCHEMA_VERSION,
                group.promptId() + "@" + originPrefix + g,
                group.promptId(),
                "arithmetic",
                prompts.get(g).prompt(),
                group.promptTokens(),
                prompts.get(g).answer(),
                Map.of(),
                spec,
                members,
                0L,
                0L));
      }
    }
    return out;
  }

  /** Publishes each group as one record on the scored topic, in order. */
  public static void produce(KafkaConfig kafka, List<ScoredGroup> groups) {
    try (KafkaProducer<String, Message> producer = KafkaClients.producer(kafka)) {
      for (ScoredGroup group : groups) {
        producer.send(new ProducerRecord<>(kafka.topics().scoredRollouts(), group.key(), group));
      }
      producer.flush();
    }
  }
}
