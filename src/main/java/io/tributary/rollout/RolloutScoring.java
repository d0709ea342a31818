package io.tributary.rollout;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.Completion;
import io.tributary.model.RoutingTrace;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scores the G completions of a prompt with the configured reward functions, as one group (group
 * rewards compare the members), into the {@link ScoredGroup} the job publishes: rewards, not
 * advantages, which the learner computes. The reward functions see the prompt's task fields plus
 * its gold answer under {@code "answer"}, as docs/rewards.md describes.
 *
 * <p>When a function throws or times out on a member (after the rescoring attempts the config
 * allows), that member has no total and the group cannot have advantages: it becomes a dead letter
 * whose source is the prompt's origin (which frees the prompt's in-flight slot, as for any other
 * letter about a fed prompt), whose reason names each failed function and its error, and whose
 * payload is the group itself: every completion, whatever scores it did get, and the errors.
 */
public final class RolloutScoring implements AutoCloseable {
  private final RewardScorer scorer;
  private final AtomicLong unscoredGroups = new AtomicLong();

  public RolloutScoring(RewardScorer scorer) {
    this.scorer = scorer;
  }

  /** Groups turned into dead letters so far because a reward function failed on a member. */
  public long unscoredGroups() {
    return unscoredGroups.get();
  }

  public RewardScorer scorer() {
    return scorer;
  }

  /**
   * @param sampling the spec the group was drawn with, carried on the group for the learner's check
   */
  public ScoringOutcome score(SampledGroup group, SamplingConfig sampling, long nowMillis) {
    ValidPrompt valid = group.prompt();
    PromptMessage prompt = valid.prompt();
    Map<String, Object> fields = new LinkedHashMap<>(prompt.fields());
    if (prompt.answer() != null) {
      fields.put("answer", prompt.answer());
    }
    int groupSize = group.completions().size();
    List<Rollout> rollouts = new ArrayList<>(groupSize);
    for (int i = 0; i < groupSize; i++) {
      rollouts.add(
          new Rollout(
              prompt.prompt(), group.texts().get(i), group.completions().get(i).tokens(), fields));
    }
    List<RolloutScores> scores = scorer.scoreGroup(rollouts);
    List<ScoredGroup.Member> members = new ArrayList<>(groupSize);
    for (int i = 0; i < groupSize; i++) {
      Completion c = group.completions().get(i);
      RolloutScores score = scores.get(i);
      members.add(
          new ScoredGroup.Member(
              group.texts().get(i),
              c.tokens(),
              c.logProbs(),
              c.finishReason(),
              group.policyVersion(),
              score.scores(),
              score.errors(),
              score.total().orElse(Double.NaN),
              c.routing()));
    }
    ScoredGroup scored =
        new ScoredGroup(
            ScoredGroup.SCHEMA_VERSION,
            valid.groupId(),
            prompt.promptId(),
            prompt.task(),
            prompt.prompt(),
            valid.tokens(),
            prompt.answer(),
            prompt.fields(),
            sampling,
            members,
            group.createdAtMillis(),
            nowMillis,
            sharedPromptRouting(valid.groupId(), group.completions()));
    if (!scored.isScored()) {
      unscoredGroups.incrementAndGet();
      return new ScoringOutcome.Unscored(unscored(valid, scored, nowMillis));
    }
    return new ScoringOutcome.Scored(scored);
  }

  private DeadLetter unscored(ValidPrompt valid, ScoredGroup group, long nowMillis) {
    int attempts = scorer.rescoreAttempts();
    String reason =
        "group "
            + valid.groupId()
            + ": not scored, "
            + group.scoringFailure()
            + (attempts > 0 ? " (still failing after " + attempts + " rescoring attempts)" : "")
            + "; a member without a total has no advantage, so the group is not trained";
    return valid.origin().deadLetter(MessageCodec.encodeToString(group), reason, nowMillis);
  }

  @Override
  public void close() {
    scorer.close();
  }

  /**
   * The prompt's routing, which the group carries once: its members are rows of one batched prefill
   * of the same tokens by one policy version, so a difference means the sampler is broken.
   */
  static RoutingTrace sharedPromptRouting(String groupId, List<Completion> completions) {
    RoutingTrace first = completions.get(0).promptRouting();
    for (int i = 1; i < completions.size(); i++) {
      if (!Objects.equals(first, completions.get(i).promptRouting())) {
        throw new IllegalStateException(
            "group "
                + groupId
                + ": member "
                + i
                + " routed the prompt differently from member 0, though both are rows of one"
                + " prefill; the group cannot carry one prompt routing");
      }
    }
    return first;
  }
}
