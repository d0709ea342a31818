package io.tributary.learner;

import io.tributary.grpo.RolloutGroup;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.Completion;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learner's scored groups as the GRPO trainer's input, which the synchronous loop builds from
 * its own sampler: the same completions and prompt tokens, the totals as the trainer's scores.
 */
public final class TrainingGroups {
  private TrainingGroups() {}

  /**
   * {@code <groupId>/<sampleIndex>} of every member, for the audit of what each version trained.
   */
  static List<String> rolloutIds(List<ScoredGroup> groups) {
    List<String> ids = new ArrayList<>();
    for (ScoredGroup group : groups) {
      for (int i = 0; i < group.size(); i++) {
        ids.add(group.groupId() + "/" + i);
      }
    }
    return ids;
  }

  /** A scored group (every member with a total) as the trainer's group, with its weight. */
  public static RolloutGroup toGroup(ScoredGroup group, double weight) {
    List<Completion> completions = new ArrayList<>(group.size());
    List<String> texts = new ArrayList<>(group.size());
    List<RolloutScores> scores = new ArrayList<>(group.size());
    Map<String, Object> fields = new HashMap<>(group.fields());
    for (ScoredGroup.Member m : group.members()) {
      // the sampler's routing travels on, for the mismatch metrics and routing replay
      completions.add(
          new Completion(
              m.completionTokenIds(),
              m.behaviourLogProbs(),
              m.finishReason(),
              group.promptRouting(),
              m.routing()));
      texts.add(m.completion());
      Rollout rollout = new Rollout(group.prompt(), m.completion(), m.completionTokenIds(), fields);
      scores.add(
          new RolloutScores(
              rollout, new LinkedHashMap<>(m.rewards()), Map.of(), Map.of(), m.totalReward()));
    }
    return new RolloutGroup(
        group.promptId(),
        group.promptTokenIds(),
        completions,
        texts,
        scores,
        group.policyVersion(),
        weight);
  }
}
