/**
 * The policy as the run sees it: where it comes from (a checkpoint or an imported model), how a
 * prompt is rendered for it, and the policy store of versioned checkpoints that the learner writes
 * and the run, the rollout job and the evaluator read.
 */
package io.tributary.policy;
