package io.tributary.run;

import io.tributary.learner.UpdateReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One line of a run's {@code metrics.jsonl}: the learner's update report and the run's progress at
 * that moment. Its keys are the ones the report and the plots read; a value that was not computed
 * is left out, never written as 0.
 *
 * @param elapsedSeconds loop seconds, summed over the resumes of the run directory
 * @param rolloutsPerSecond rollouts trained since the previous update, per second
 * @param promptsFed prompts the feeder has fed in this run
 * @param unscoredGroups groups given up on because a reward failed, as the feeder counts them (the
 *     rollout job's letters and the learner's); absent before the feeder starts, when the learner's
 *     own count stands
 */
public record MetricsLine(
    UpdateReport update,
    double elapsedSeconds,
    double rolloutsPerSecond,
    long promptsFed,
    OptionalLong unscoredGroups) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(update.toMap());
    m.put("elapsed_s", elapsedSeconds);
    m.put("rollouts_per_s", rolloutsPerSecond);
    m.put("prompts_fed", promptsFed);
    unscoredGroups.ifPresent(n -> m.put("unscored_groups", n));
    return m;
  }
}
