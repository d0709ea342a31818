package io.tributary.model;

/**
 * Tokens routed to each expert of each MoE layer since the last bias update, and the selection
 * biases; {@link #maxMinRatio} is the imbalance figure logged as a metric.
 */
public record ExpertLoad(long[][] tokensPerExpert, float[][] selectionBias) {

  /** max/min load over all MoE layers' experts; +∞ when an expert got no token. */
  public double maxMinRatio() {
    double worst = 1.0;
    for (long[] layer : tokensPerExpert) {
      long max = Long.MIN_VALUE;
      long min = Long.MAX_VALUE;
      for (long l : layer) {
        max = Math.max(max, l);
        min = Math.min(min, l);
      }
      if (max == 0) {
        continue;
      }
      worst = Math.max(worst, min == 0 ? Double.POSITIVE_INFINITY : (double) max / min);
    }
    return worst;
  }

  /**
   * Largest and smallest share of routed tokens any expert got, over all MoE layers; both NaN when
   * no MoE layer routed a token (a dense model), as there is no share to report.
   */
  public double[] shareRange() {
    double max = Double.NaN;
    double min = Double.NaN;
    for (long[] layer : tokensPerExpert) {
      long total = 0;
      for (long l : layer) {
        total += l;
      }
      if (total == 0) {
        continue;
      }
      for (long l : layer) {
        double share = (double) l / total;
        max = Double.isNaN(max) ? share : Math.max(max, share);
        min = Double.isNaN(min) ? share : Math.min(min, share);
      }
    }
    return new double[] {max, min};
  }
}
