package io.tributary.grpo;

/**
 * How many policy versions behind the learner a group was sampled, in the buckets the mismatch
 * metrics are reported for: 0, 1, 2 and more than 2.
 */
public enum StalenessBucket {
  S0("s0"),
  S1("s1"),
  S2("s2"),
  OVER_2("s3plus");

  private final String metricName;

  StalenessBucket(String metricName) {
    this.metricName = metricName;
  }

  /** The bucket of a group sampled {@code versionsBehind} versions before the learner's. */
  public static StalenessBucket of(long versionsBehind) {
    if (versionsBehind < 0) {
      throw new IllegalArgumentException(
          "staleness: got " + versionsBehind + ", expected >= 0 versions behind the learner");
    }
    return versionsBehind <= 2 ? values()[(int) versionsBehind] : OVER_2;
  }

  /** The bucket's part of a metric name: s0, s1, s2, s3plus. */
  public String metricName() {
    return metricName;
  }
}
