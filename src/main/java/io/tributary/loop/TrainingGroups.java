package io.tributary.loop;

import io.tributary.grpo.RolloutGroup;
import io.tributary.messages.ScoredRollout;
import io.tributary.model.Completion;
import io.tributary.model.FinishReason;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import io.tributary.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The learner's complete groups of scored rollouts as the GRPO trainer's input. */
final class TrainingGroups {
  private TrainingGroups() {}

  static List<String> rolloutIds(List<List<GroupBuffer.Held>> groups) {
    List<String> ids = new ArrayList<>();
    for (List<GroupBuffer.Held> group : groups) {
      for (GroupBuffer.Held h : group) {
        ids.add(h.rollout().rolloutId());
      }
    }
    return ids;
  }

  static RolloutGroup toGroup(List<GroupBuffer.Held> held, double weight, Tokenizer tokenizer) {
    List<Completion> completions = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<RolloutScores> scores = new ArrayList<>();
    ScoredRollout first = held.get(0).rollout();
    int[] promptTokens = tokenizer.encodePrompt(first.prompt());
    long minVersion = Long.MAX_VALUE;
    for (GroupBuffer.Held h : held) {
      ScoredRollout r = h.rollout();
      float[] logProbs = new float[r.behaviourLogProbs().length];
      for (int i = 0; i < logProbs.length; i++) {
        logProbs[i] = (float) r.behaviourLogProbs()[i];
      }
      FinishReason finish =
          r.finishReason() == io.tributary.messages.FinishReason.STOP
              ? FinishReason.STOP
              : FinishReason.LENGTH;
      completions.add(new Completion(r.completionTokenIds(), logProbs, finish));
      texts.add(r.completion());
      Map<String, Object> fields = new HashMap<>(r.fields());
      Rollout rollout = new Rollout(r.prompt(), r.completion(), r.completionTokenIds(), fields);
      Map<String, Double> rewards = new LinkedHashMap<>(r.rewards());
      // GroupBuffer lets through only groups whose members all have a total and no error
      scores.add(new RolloutScores(rollout, rewards, Map.of(), Map.of(), r.totalReward()));
      minVersion = Math.min(minVersion, r.policyVersion());
    }
    return new RolloutGroup(
        first.promptId(), promptTokens, completions, texts, scores, minVersion, weight);
  }
}
