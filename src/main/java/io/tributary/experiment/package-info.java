/**
 * The learning demonstration: a synchronous GRPO run with no Flink or Kafka, its report and plots.
 */
package io.tributary.experiment;
