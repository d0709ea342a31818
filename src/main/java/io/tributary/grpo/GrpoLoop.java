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
 * metrics under the names TRL logs.
 */
public final class GrpoLoop {
  private final PolicyModel policy;
  private final GroupSampler sampler;
  private final GrpoTrainer trainer;
  private final PromptStream prompts;
  private long step;

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

  /** One step: sample, score, update; returns the step's metrics (a JSON line's fields). */
  public Map<String, Object> runStep() {
    GrpoConfig config = trainer.config();
    long start = System.nanoTime();
    List<RolloutGroup> sampled = new ArrayList<>();
    List<RolloutGroup> kept = new ArrayList<>();
    int rounds = 0;
    while (kept.size() < config.promptsPerStep()
        && rounds < (config.dynamicSampling() ? config.maxSamplingRounds() : 1)) {
      int wanted = config.promptsPerStep() - kept.size();
      List<RolloutGroup> groups = sampler.sample(policy, prompts.take(wanted), step, rounds);
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
    UpdateStats update = kept.isEmpty() ? null : trainer.update(kept);
    double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
    step++;
    return metrics(sampled, kept, update, sampleSeconds, updateSeconds, rounds);
  }

  private Map<String, Object> metrics(
      List<RolloutGroup> sampled,
      List<RolloutGroup> kept,
      UpdateStats u,
      double sampleSeconds,
      double updateSeconds,
      int rounds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
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
        sum += s.total();
        sumSq += s.total() * s.total();
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
    double mean = n == 0 ? 0 : sum / n;
    m.put("reward_mean", mean);
    m.put("reward_std", n < 2 ? 0 : Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))));
    perFunction.forEach(
        (name, acc) -> m.put("reward/" + name, acc[1] == 0 ? null : acc[0] / acc[1]));
    GroupAdvantages all = sampled.isEmpty() ? null : trainer.advantages(sampled);
    m.put("frac_reward_zero_std", all == null ? null : all.fracRewardZeroStd());
    m.put("groups_sampled", sampled.size());
    m.put("groups_kept", kept.size());
    m.put("sampling_rounds", rounds);
    m.put("completion_length_mean", n == 0 ? 0 : (double) tokens / n);
    m.put("completion_length_min", n == 0 ? 0 : minLength);
    m.put("completion_length_max", maxLength);
    if (u != null) {
      m.put("frac_truncated", u.fracTruncated());
      m.put("loss", u.loss());
      m.put("kl", u.kl());
      m.put("entropy", u.entropy());
      m.put("clip_frac_low", u.clipFracLow());
      m.put("clip_frac_high", u.clipFracHigh());
      m.put("clip_frac_region", u.clipFracRegion());
      m.put("ratio_mean", u.meanRatio());
      m.put("grad_norm", u.gradNorm());
      m.put("lr", u.learningRate());
      m.put("expert_load_max", u.expertShareMax());
      m.put("expert_load_min", u.expertShareMin());
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
