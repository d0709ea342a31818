package io.tributary.stream;

import io.tributary.messages.PromptMessage;
import io.tributary.messages.ScoredRollout;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the G completions of a prompt with the configured reward functions, as one group (group
 * rewards compare the members), and turns each into a scored rollout whose advantage is left NaN
 * for the group assembler. The reward functions see the prompt's task fields plus its gold answer
 * under {@code "answer"}, as docs/rewards.md describes.
 */
public final class RolloutScoring implements AutoCloseable {
  private final RewardScorer scorer;

  public RolloutScoring(RewardScorer scorer) {
    this.scorer = scorer;
  }

  public RewardScorer scorer() {
    return scorer;
  }

  public List<ScoredMember> score(SampledGroup group, long nowMillis) {
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
              score.total(),
              Double.NaN,
              prompt.task(),
              prompt.answer(),
              prompt.fields(),
              group.createdAtMillis(),
              nowMillis);
      members.add(new ScoredMember(valid.origin(), rollout));
    }
    return members;
  }

  @Override
  public void close() {
    scorer.close();
  }
}
