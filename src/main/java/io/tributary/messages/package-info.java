/**
 * What crosses Kafka: the scored group (one record per prompt), the sampling spec, prompts, policy
 * version events and dead letters, with their strict JSON codec. Shared by the rollout job, the
 * learner and the tools; depends on no other stage.
 */
package io.tributary.messages;
