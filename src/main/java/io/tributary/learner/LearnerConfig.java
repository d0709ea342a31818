package io.tributary.learner;

import static io.tributary.config.ConfigException.badValue;

/**
 * The learner service's own settings (the GRPO update's are in GrpoConfig).
 *
 * @param consumerGroup Kafka consumer group of the learner
 * @param maxStaleness groups sampled more than this many versions ago are stale
 * @param staleness drop or down-weight stale groups
 * @param downweightFactor per version beyond the bound, for DOWNWEIGHT
 * @param keepCheckpoints newest policy versions kept in the store
 * @param pollMillis Kafka poll timeout
 * @param threads libtorch intra-op threads of the learner's thread (default: all cores); set
 *     explicitly because the count a thread gets otherwise depends on which thread ran torch first
 *     (see IntraOpThreads)
 */
public record LearnerConfig(
    String consumerGroup,
    Integer maxStaleness,
    StalenessPolicy staleness,
    Double downweightFactor,
    Integer keepCheckpoints,
    Integer pollMillis,
    Integer threads) {
  public LearnerConfig {
    consumerGroup = consumerGroup != null ? consumerGroup : "tributary-learner";
    maxStaleness = maxStaleness != null ? maxStaleness : 2;
    staleness = staleness != null ? staleness : StalenessPolicy.DROP;
    downweightFactor = downweightFactor != null ? downweightFactor : 0.5;
    keepCheckpoints = keepCheckpoints != null ? keepCheckpoints : 3;
    pollMillis = pollMillis != null ? pollMillis : 200;
    threads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (consumerGroup.isBlank()) {
      throw badValue("consumerGroup", consumerGroup, "a non-empty consumer group name");
    }
    if (maxStaleness < 0) {
      throw badValue("maxStaleness", maxStaleness, "0 or more policy versions");
    }
    if (!(downweightFactor > 0 && downweightFactor <= 1)) {
      throw badValue("downweightFactor", downweightFactor, "a number in (0, 1]");
    }
    if (keepCheckpoints < 1) {
      throw badValue("keepCheckpoints", keepCheckpoints, "1 or more");
    }
    if (pollMillis < 1) {
      throw badValue("pollMillis", pollMillis, "a positive number of milliseconds");
    }
    if (threads < 1) {
      throw badValue("threads", threads, "1 or more");
    }
  }

  public static LearnerConfig defaults() {
    return new LearnerConfig(null, null, null, null, null, null, null);
  }
}
