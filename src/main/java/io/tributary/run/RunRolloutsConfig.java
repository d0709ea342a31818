package io.tributary.run;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.rollout.MicroBatchConfig;

/**
 * The rollout job's settings inside a run; G and sampling come from the run's grpo.sampling section
 * and rewards from its rewards section so that the workers sample exactly as the learner expects.
 *
 * @param microBatch prompts per batched sampler call
 * @param parallelism generation subtasks, each with a policy replica
 * @param checkpointIntervalMs Flink checkpoint interval: rollouts reach the learner at this pace
 * @param recordRouting whether the workers record an MoE policy's routing into each group (default
 *     true: no measurable cost, and the learner then measures the routing mismatch); required by
 *     {@code grpo.routingReplay: replay}
 */
public record RunRolloutsConfig(
    MicroBatchConfig microBatch,
    Integer parallelism,
    Long checkpointIntervalMs,
    Boolean recordRouting) {
  public RunRolloutsConfig {
    microBatch = microBatch != null ? microBatch : MicroBatchConfig.defaults();
    parallelism = parallelism != null ? parallelism : 1;
    checkpointIntervalMs = checkpointIntervalMs != null ? checkpointIntervalMs : 2000L;
    recordRouting = recordRouting != null ? recordRouting : Boolean.TRUE;
    if (parallelism < 1) {
      throw badValue("parallelism", parallelism, "1 or more");
    }
    if (checkpointIntervalMs < 10) {
      throw badValue("checkpointIntervalMs", checkpointIntervalMs, "10 ms or more");
    }
  }

  public static RunRolloutsConfig defaults() {
    return new RunRolloutsConfig(null, null, null, null);
  }
}
