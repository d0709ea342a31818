package io.tributary.learner;

import io.tributary.grpo.UpdateStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one update of the learner published: the version and optimizer step it reached, the GRPO
 * update's statistics, the learner's running counters, and what the update trained on. Its JSON
 * form ({@link #toMap}) is one line of a run's {@code metrics.jsonl}, whose keys the report and the
 * plots read; a value that was not computed (kl without a reference model) is absent, never 0.
 *
 * @param version the policy version this update published (updates published so far)
 * @param step optimizer steps taken so far, over all versions
 * @param groups groups trained in this update
 * @param maxAge versions between the oldest sampling policy of the groups trained (a dropped stale
 *     group does not count) and the one trained
 * @param sample one trained group's first member, for a reader to look at
 */
public record UpdateReport(
    long version,
    long step,
    UpdateStats stats,
    int groups,
    Counters counters,
    OptionalLong maxAge,
    TrainedOn trainedOn,
    Sample sample) {

  /** The learner's counters, over all runs of the store (they live in its checkpoints). */
  public record Counters(
      long trainedRollouts, long staleRollouts, long staleDropped, long unscoredGroups) {}

  /** Means over the rollouts this update trained on. */
  public record TrainedOn(
      double rewardMean,
      double completionLengthMean,
      double stalenessMean,
      long sampledVersionMax) {}

  public record Sample(String prompt, String answer, String completion, double reward) {}

  /** The update's training metrics, the part announced with the version (policy-versions topic). */
  public Map<String, Double> trainingMetrics() {
    return trainingMetrics(stats);
  }

  static Map<String, Double> trainingMetrics(UpdateStats s) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", s.loss());
    s.kl().ifPresent(kl -> m.put("kl", kl)); // absent, not 0, without a reference (beta = 0)
    m.put("entropy", s.entropy());
    m.put("clip_frac_region", s.clipFracRegion());
    m.put("grad_norm", s.gradNorm());
    m.put("lr", s.learningRate());
    m.put("frac_reward_zero_std", s.fracZeroStd());
    s.expertShareMax().ifPresent(v -> m.put("expert_load_max", v));
    s.expertShareMin().ifPresent(v -> m.put("expert_load_min", v));
    m.putAll(s.offPolicyMetrics());
    s.routingMismatch().ifPresent(v -> m.put("routing_mismatch", v));
    return m;
  }

  /** The metrics line, keys as the report and plots read them; absent values are left out. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(trainingMetrics());
    m.put("version", version);
    m.put("step", step);
    m.put("groups", groups);
    m.put("stale_dropped", counters.staleDropped());
    maxAge.ifPresent(age -> m.put("max_age", age));
    m.put("trained_rollouts", counters.trainedRollouts());
    m.put("stale_rollouts", counters.staleRollouts());
    m.put("unscored_groups", counters.unscoredGroups());
    m.put("reward_mean", trainedOn.rewardMean());
    m.put("completion_length_mean", trainedOn.completionLengthMean());
    m.put("staleness_mean", trainedOn.stalenessMean());
    m.put("sampled_version_max", trainedOn.sampledVersionMax());
    m.put("sample_prompt", sample.prompt());
    m.put("sample_answer", sample.answer());
    m.put("sample_completion", sample.completion());
    m.put("sample_reward", sample.reward());
    return m;
  }
}
