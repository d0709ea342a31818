/**
 * The run supervisor of {@code ./tributary run} and {@code ./tributary learner}: its config, the
 * broker, cold start, the embedded rollout job, the learner and feeder threads ({@code
 * RunThreads}), evaluation, the run log and the report.
 */
package io.tributary.run;
