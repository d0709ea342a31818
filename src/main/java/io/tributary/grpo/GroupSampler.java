package io.tributary.grpo;

import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples G completions for each prompt in one batched sampler call and scores each group with the
 * reward scorer. Seeds derive from (seed, prompt id, sample index), so a rerun draws the same.
 */
public final class GroupSampler {
  private final Tokenizer tokenizer;
  private final RewardScorer scorer;
  private final SamplingParams sampling;
  private final int groupSize;
  private final long seed;
  private final boolean recordRouting;

  public GroupSampler(
      Tokenizer tokenizer, RewardScorer scorer, SamplingParams sampling, int groupSize, long seed) {
    this(tokenizer, scorer, sampling, groupSize, seed, false);
  }

  /** With {@code recordRouting}, each completion carries its routing trace for routing replay. */
  public GroupSampler(
      Tokenizer tokenizer,
      RewardScorer scorer,
      SamplingParams sampling,
      int groupSize,
      long seed,
      boolean recordRouting) {
    this.recordRouting = recordRouting;
    this.tokenizer = tokenizer;
    this.scorer = scorer;
    this.sampling = sampling;
    this.groupSize = groupSize;
    this.seed = seed;
  }

  public int[] promptTokens(TaskPrompt prompt) {
    return tokenizer.encodePrompt(prompt.prompt());
  }

  /** G scored completions for each prompt; {@code round} varies the seeds of redrawn prompts. */
  public List<RolloutGroup> sample(
      PolicyModel policy, List<TaskPrompt> prompts, long policyVersion, long round) {
    List<int[]> rows = new ArrayList<>();
    long[] seeds = new long[prompts.size() * groupSize];
    for (int p = 0; p < prompts.size(); p++) {
      int[] tokens = promptTokens(prompts.get(p));
      for (int g = 0; g < groupSize; g++) {
        rows.add(tokens);
        seeds[p * groupSize + g] =
            mix(seed, prompts.get(p).id().hashCode(), round * 1_000_003L + g);
      }
    }
    List<Completion> completions = Sampler.generate(policy, rows, sampling, seeds, recordRouting);
    List<RolloutGroup> groups = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      TaskPrompt prompt = prompts.get(p);
      List<Completion> members = completions.subList(p * groupSize, (p + 1) * groupSize);
      List<String> texts = new ArrayList<>();
      List<Rollout> rollouts = new ArrayList<>();
      Map<String, Object> fields = fields(prompt);
      for (Completion c : members) {
        String text = tokenizer.decode(c.tokens());
        texts.add(text);
        rollouts.add(new Rollout(prompt.prompt(), text, c.tokens(), fields));
      }
      List<RolloutScores> scores = scorer.scoreGroup(rollouts);
      groups.add(
          new RolloutGroup(
              prompt.id(),
              rows.get(p * groupSize),
              List.copyOf(members),
              texts,
              scores,
              policyVersion,
              1.0));
    }
    return groups;
  }

  /** The dataset record's fields as reward functions see them: answer, task, and the extras. */
  public static Map<String, Object> fields(TaskPrompt prompt) {
    Map<String, Object> fields = new HashMap<>(prompt.extra());
    fields.put("answer", prompt.answer());
    fields.put("task", prompt.task());
    return fields;
  }

  static long mix(long a, long b, long c) {
    long h = a * 0x9E3779B97F4A7C15L + b;
    h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + c;
    return h ^ (h >>> 29);
  }
}
