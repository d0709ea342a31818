/**
 * The GRPO algorithm without Flink or Kafka: advantages, the loss and its variants, the trainer's
 * update, sampling of groups and evaluation. The learner and the demonstration call it; the rollout
 * job does not.
 */
package io.tributary.grpo;
