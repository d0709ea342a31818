package io.tributary.grpo;

import io.tributary.model.PolicyModel;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synchronous learner loop of one machine: draw prompts, sample and score G completions each
 * (redrawing for zero-variance groups under dynamic sampling), update, and report the step's
 * metrics under the names TRL logs. A group with a member whose reward functions failed is never
 * trained: it is counted ({@code groups_unscored}, and its reasons under {@code unscored_reasons})
 * and dropped, as the rollout job dead-letters it. A metric that was not computed is left out of
 * the step's metrics, never reported as 0.
 */
public final class GrpoLoop {
  private final PolicyModel policy;
  private final GroupSampler sampler;
  private final GrpoTrainer trainer;
  private final PromptStream prompts;
  private long step;
  private long unscoredGroups;

  public GrpoLoop(
      PolicyModel policy, GroupSampler sampler, GrpoTrainer trainer, PromptStream prompts) {
    this.policy = policy;
    this.sampler = sampler;
    this.trainer = trainer;
    this.prompts = prompts;
  }

  public long steps() {
    return step;
  }

  /** Groups dropped untrained since the start because a reward function failed on a member. */
  public long unscoredGroups() {
    return unscoredGroups;
  }

  /** One step: sample, score, update; returns the step's metrics (a JSON line's fields). */
  public Map<String, Object> runStep() {
    GrpoConfig config = trainer.config();
    long start = System.nanoTime();
    List<RolloutGroup> sampled = new ArrayList<>();
    List<RolloutGroup> kept = new ArrayList<>();
    List<String> unscored = new ArrayList<>();
    int rounds = 0;
    while (kept.size() < config.promptsPerStep()
        && rounds < (config.dynamicSampling() ? config.maxSamplingRounds() : 1)) {
      int wanted = config.promptsPerStep() - kept.size();
      List<RolloutGroup> groups = new ArrayList<>();
      for (RolloutGroup group : sampler.sample(policy, prompts.take(wanted), step, rounds)) {
        if (group.isScored()) {
          groups.add(group);
        } else {
          unscored.add("group " + group.promptId() + ": " + group.scoringFailure());
        }
      }
      sampled.addAll(groups);
      GroupAdvantages advantages = trainer.advantages(groups);
      for (int i = 0; i < groups.size(); i++) {
        if (!config.dynamicSampling() || !advantages.zeroStdGroups()[i]) {
          kept.add(groups.get(i));
        }
      }
      rounds++;
    }
    double sampleSeconds = (System.nanoTime() - start) / 1e9;
    long updateStart = System.nanoTime();
    UpdateStats update = kept.isEmpty() ? null : trainer.update(kept, step); // sampled by this step
    double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
    step++;
    unscoredGroups += unscored.size();
    Map<String, Object> m = metrics(sampled, kept, update, sampleSeconds, updateSeconds, rounds);
    m.put("groups_unscored", unscored.size());
    if (!unscored.isEmpty()) {
      m.put("unscored_reasons", unscored);
    }
    return m;
  }

  private Map<String, Object> metrics(
      List<RolloutGroup> sampled,
      List<RolloutGroup> kept,
      UpdateStats u,
      double sampleSeconds,
      double updateSeconds,
      int rounds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", step); // one update per iteration: the policy version it published
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    long tokens = 0;
    int minLength = Integer.MAX_VALUE;
    int maxLength = 0;
    Map<String, double[]> perFunction = new LinkedHashMap<>();
    for (RolloutGroup g : sampled) {
      for (int j = 0; j < g.size(); j++) {
        RolloutScores s = g.scores().get(j);
        double total = s.requireTotal(); // sampled holds scored groups only
        sum += total;
        sumSq += total * total;
        n++;
        int length = g.completions().get(j).length();
        tokens += length;
        minLength = Math.min(minLength, length);
        maxLength = Math.max(maxLength, length);
        s.scores()
            .forEach(
                (name, value) -> {
                  if (value != null) {
                    double[] acc = perFunction.computeIfAbsent(name, k -> new double[2]);
                    acc[0] += value;
                    acc[1]++;
                  }
                });
      }
    }
    if (n > 0) {
      double mean = sum / n;
      m.put("reward_mean", mean);
      if (n > 1) {
        m.put("reward_std", Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))));
      }
      m.put("completion_length_mean", (double) tokens / n);
      m.put("completion_length_min", minLength);
      m.put("completion_length_max", maxLength);
    }
    perFunction.forEach((name, acc) -> m.put("reward/" + name, acc[0] / acc[1]));
    if (!sampled.isEmpty()) {
      m.put("frac_reward_zero_std", trainer.advantages(sampled).fracRewardZeroStd());
    }
    m.put("groups_sampled", sampled.size());
    m.put("groups_kept", kept.size());
    m.put("sampling_rounds", rounds);
    if (u != null) {
      m.put("frac_truncated", u.fracTruncated());
      m.put("loss", u.loss());
      u.kl().ifPresent(kl -> m.put("kl", kl));
      m.put("entropy", u.entropy());
      m.put("clip_frac_low", u.clipFracLow());
      m.put("clip_frac_high", u.clipFracHigh());
      m.put("clip_frac_region", u.clipFracRegion());
      m.put("ratio_mean", u.meanRatio());
      m.put("grad_norm", u.gradNorm());
      m.put("lr", u.learningRate());
      u.expertShareMax().ifPresent(v -> m.put("expert_load_max", v));
      u.expertShareMin().ifPresent(v -> m.put("expert_load_min", v));
      m.putAll(u.offPolicyMetrics());
      u.routingMismatch().ifPresent(v -> m.put("routing_mismatch", v));
      m.put("optimizer_steps", u.optimizerSteps());
    }
    m.put("skipped_updates", trainer.skippedUpdates());
    m.put("tokens_per_s", tokens / Math.max(1e-9, sampleSeconds + updateSeconds));
    m.put("sample_time_s", sampleSeconds);
    m.put("update_time_s", updateSeconds);
    m.put("step_time_s", sampleSeconds + updateSeconds);
    return m;
  }
}
