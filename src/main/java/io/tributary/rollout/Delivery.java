package io.tributary.rollout;

/**
 * How the rollout job writes to Kafka. Exactly-once writes in transactions that commit with Flink's
 * checkpoints (readers must use read_committed, and see records only after the checkpoint);
 * at-least-once flushes on every checkpoint and may repeat records after a restart, which a reader
 * then de-duplicates on {@code rolloutId}.
 */
public enum Delivery {
  EXACTLY_ONCE,
  AT_LEAST_ONCE
}
