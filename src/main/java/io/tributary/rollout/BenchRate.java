package io.tributary.rollout;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One side's rate in {@code bench pipeline}, computed the same way for the job and the plain loop:
 * the rollouts completed between the moments the first 10% and the first 90% had completed, over
 * that time (start-up, the ramp while the first micro-batches fill and the tail where one worker
 * finishes alone are not throughput).
 *
 * @param rollouts rollouts completed inside the steady-state window
 * @param tokens their completion tokens
 * @param seconds the window: from 10% to 90% of the rollouts completed
 * @param wholeRunRate all rollouts over first generation call to last completion
 * @param wallSeconds the job's wall time, start-up included (0 for the plain loop)
 * @param allTokens completion tokens of all rollouts, to check both sides generated the same
 */
record BenchRate(
    long rollouts,
    long tokens,
    double seconds,
    double wholeRunRate,
    double wallSeconds,
    long allTokens) {

  double rolloutsPerSecond() {
    return rollouts / seconds;
  }

  double tokensPerSecond() {
    return tokens / seconds;
  }

  /**
   * Rollouts that completed at {@code ends} (ms) with {@code tokens} each; work began at {@code
   * firstStart}.
   */
  static BenchRate of(long[] ends, int[] tokens, long firstStart, double wallSeconds) {
    int n = ends.length;
    if (n < 10) {
      throw new IllegalArgumentException(
          "a steady-state rate needs at least 10 rollouts, got " + n);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> ends[i]));
    int from = n / 10;
    int to = n - n / 10 - 1;
    long windowTokens = 0;
    for (int k = from + 1; k <= to; k++) {
      windowTokens += tokens[order[k]];
    }
    double window = Math.max(1, ends[order[to]] - ends[order[from]]) / 1000.0;
    double whole = Math.max(1, ends[order[n - 1]] - firstStart) / 1000.0;
    long allTokens = Arrays.stream(tokens).asLongStream().sum();
    return new BenchRate(to - from, windowTokens, window, n / whole, wallSeconds, allTokens);
  }
}
