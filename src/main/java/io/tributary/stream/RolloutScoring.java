package io.tributary.stream;

import io.tributary.json.Json;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.ScoredRollout;
import io.tributary.messages.UnscoredGroup;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scores the G completions of a prompt with the configured reward functions, as one group (group
 * rewards compare the members), and turns each into a scored rollout whose advantage is left NaN
 * for the group assembler. The reward functions see the prompt's task fields plus its gold answer
 * under {@code "answer"}, as docs/rewards.md describes.
 *
 * <p>When a function throws or times out on a member (after the rescoring attempts the config
 * allows), that member has no total and the group cannot have advantages: it becomes a dead letter
 * whose source is the prompt's origin (which frees the prompt's in-flight slot, as for any other
 * letter about a fed prompt), whose reason names each failed function and its error, and whose
 * payload is an {@link UnscoredGroup}.
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

  public ScoringOutcome score(SampledGroup group, long nowMillis) {
    ValidPrompt valid = group.prompt();
    PromptMessage prompt = valid.prompt();
    Map<String, Object> fields = new LinkedHashMap<>(prompt.fields());
    if (prompt.answer() != null) {
      fields.put("answer", prompt.answer());
    }
    List<Rollout> rollouts = new ArrayList<>(group.samples().size());
    for (Sample s : group.samples()) {
      rollouts.add(new Rollout(prompt.prompt(), s.text(), s.tokens(), fields));
    }
    List<RolloutScores> scores = scorer.scoreGroup(rollouts);
    if (!scores.stream().allMatch(RolloutScores::isScored)) {
      unscoredGroups.incrementAndGet();
      return new ScoringOutcome.Unscored(unscored(group, scores, nowMillis));
    }
    int groupSize = group.samples().size();
    List<ScoredMember> members = new ArrayList<>(groupSize);
    for (int i = 0; i < groupSize; i++) {
      Sample s = group.samples().get(i);
      RolloutScores score = scores.get(i);
      ScoredRollout rollout =
          new ScoredRollout(
              ScoredRollout.SCHEMA_VERSION,
              valid.groupId() + "/" + i,
              prompt.promptId(),
              valid.groupId(),
              i,
              groupSize,
              prompt.prompt(),
              s.text(),
              s.tokens(),
              s.logProbs(),
              s.finishReason(),
              group.policyVersion(),
              score.scores(),
              score.errors(),
              score.requireTotal(),
              Double.NaN,
              prompt.task(),
              prompt.answer(),
              prompt.fields(),
              group.createdAtMillis(),
              nowMillis);
      members.add(new ScoredMember(valid.origin(), rollout));
    }
    return new ScoringOutcome.Scored(members);
  }

  private DeadLetter unscored(SampledGroup group, List<RolloutScores> scores, long nowMillis) {
    ValidPrompt valid = group.prompt();
    List<UnscoredGroup.Member> members = new ArrayList<>();
    StringBuilder failures = new StringBuilder();
    for (int i = 0; i < scores.size(); i++) {
      RolloutScores score = scores.get(i);
      members.add(
          new UnscoredGroup.Member(
              i, group.samples().get(i).text(), score.scores(), score.errors()));
      if (!score.isScored()) {
        failures
            .append(failures.isEmpty() ? "" : "; ")
            .append("member ")
            .append(i)
            .append(": ")
            .append(RolloutScores.describeErrors(score.errors()));
      }
    }
    UnscoredGroup payload =
        new UnscoredGroup(
            valid.groupId(),
            valid.prompt().promptId(),
            valid.prompt().prompt(),
            group.policyVersion(),
            scores.size(),
            members);
    int attempts = scorer.rescoreAttempts();
    String reason =
        "group "
            + valid.groupId()
            + ": not scored, "
            + failures
            + (attempts > 0 ? " (still failing after " + attempts + " rescoring attempts)" : "")
            + "; a member without a total has no advantage, so the group is not trained";
    return valid.origin().deadLetter(Json.write(payload), reason, nowMillis);
  }

  @Override
  public void close() {
    scorer.close();
  }
}
