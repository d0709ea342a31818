/**
 * The rollout job (Flink): reads prompts, validates them, samples groups with the newest policy
 * version, scores them and publishes one scored group per prompt (or a dead letter). It owns
 * partial groups; it does not compute advantages or depend on the GRPO package or the learner.
 */
package io.tributary.rollout;
