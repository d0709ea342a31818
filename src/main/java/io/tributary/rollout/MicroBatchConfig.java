package io.tributary.rollout;

import io.tributary.config.ConfigException;
import java.io.Serializable;

/**
 * The {@code microBatch:} section: prompts wait until {@code size} have gathered on a generation
 * subtask, or until the first of them has waited {@code maxWaitMs}, and are then sampled in one
 * batched call (size × G rows), which is where a CPU or GPU earns its throughput.
 */
public record MicroBatchConfig(Integer size, Long maxWaitMs) implements Serializable {
  public MicroBatchConfig {
    size = size == null ? 8 : size;
    maxWaitMs = maxWaitMs == null ? 200L : maxWaitMs;
    if (size < 1) {
      throw ConfigException.badValue("microBatch.size", size, "a number >= 1");
    }
    if (maxWaitMs < 1) {
      throw ConfigException.badValue("microBatch.maxWaitMs", maxWaitMs, "a number of ms >= 1");
    }
  }

  public static MicroBatchConfig defaults() {
    return new MicroBatchConfig(null, null);
  }
}
