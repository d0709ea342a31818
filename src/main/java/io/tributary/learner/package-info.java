/**
 * The learner: reads scored groups from Kafka ({@code ScoredGroupReader}), filters stale ones
 * ({@code StalenessFilter}), updates the policy and publishes the new version ({@code
 * PolicyUpdate}), reporting each update ({@code UpdateReport}). Exactly once: the checkpoint holds
 * the Kafka positions it resumes from.
 */
package io.tributary.learner;
