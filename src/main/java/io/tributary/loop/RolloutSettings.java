package io.tributary.loop;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.stream.MicroBatchConfig;

/**
 * The rollout job's settings inside a run; G, sampling and rewards come from the run's grpo and
 * rewards sections so that the workers sample exactly as the learner expects.
 *
 * @param microBatch prompts per batched sampler call
 * @param parallelism generation subtasks, each with a policy replica
 * @param checkpointIntervalMs Flink checkpoint interval: rollouts reach the learner at this pace
 * @param groupTimeoutMs an incomplete group is dead-lettered after this long
 */
public record RolloutSettings(
    MicroBatchConfig microBatch,
    Integer parallelism,
    Long checkpointIntervalMs,
    Long groupTimeoutMs) {
  public RolloutSettings {
    microBatch = microBatch != null ? microBatch : MicroBatchConfig.defaults();
    parallelism = parallelism != null ? parallelism : 1;
    checkpointIntervalMs = checkpointIntervalMs != null ? checkpointIntervalMs : 2000L;
    groupTimeoutMs = groupTimeoutMs != null ? groupTimeoutMs : 600_000L;
    if (parallelism < 1) {
      throw badValue("parallelism", parallelism, "1 or more");
    }
    if (checkpointIntervalMs < 10) {
      throw badValue("checkpointIntervalMs", checkpointIntervalMs, "10 ms or more");
    }
    if (groupTimeoutMs < 1) {
      throw badValue("groupTimeoutMs", groupTimeoutMs, "1 ms or more");
    }
  }

  public static RolloutSettings defaults() {
    return new RolloutSettings(null, null, null, null);
  }
}
