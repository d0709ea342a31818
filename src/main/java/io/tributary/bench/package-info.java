/**
 * Benchmarks of the model, the learner and the device (the pipeline's lives with the rollout job).
 */
package io.tributary.bench;
