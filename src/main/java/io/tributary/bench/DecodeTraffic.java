package io.tributary.bench;

import io.tributary.model.ModelConfig;
import io.tributary.model.ParameterCounts;

/**
 * The weight bytes one decode step at batch 1 must read, and the share of the bandwidth ceiling a
 * measured decode rate reaches. At batch 1 every weight a token uses is read once per step and used
 * for two FLOPs, so the step is bound by memory, not arithmetic: tokens per second times these
 * bytes cannot exceed the bandwidth, and their ratio is how close the engine comes.
 */
public final class DecodeTraffic {
  private DecodeTraffic() {}

  /**
   * Active parameters per token times bytes per parameter, less the input embedding table when the
   * head is a matrix of its own: the lookup reads one row of that table, not all of it. A tied
   * table is read whole, as the head. Bytes are those of the weights as stored: a float16 policy
   * keeps its norms and routers (and MLA's projections) in float32, counted here at 2 bytes too,
   * which is under 0.1% of a dense model's bytes.
   */
  public static long weightBytesPerStep(ModelConfig config) {
    ParameterCounts counts = ParameterCounts.of(config);
    long table = (long) config.vocabSize() * config.dim();
    long unreadInputTable = counts.embedding() - table; // the table when untied, 0 when tied
    long bytesPerParameter = config.dtype().dataType().getNumOfBytes();
    return (counts.activePerToken() - unreadInputTable) * bytesPerParameter;
  }

  /** (bytes per step × steps per second) / ceiling; both rates in 1e9 bytes and steps per s. */
  public static double efficiency(long bytesPerStep, double stepsPerSecond, double ceilingGbPerS) {
    if (!(stepsPerSecond > 0) || !(ceilingGbPerS > 0)) {
      throw new IllegalArgumentException(
          "efficiency: steps/s "
              + stepsPerSecond
              + " and ceiling "
              + ceilingGbPerS
              + " GB/s must be positive");
    }
    return bytesPerStep * stepsPerSecond / (ceilingGbPerS * 1e9);
  }
}
