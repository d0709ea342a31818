package io.tributary.grpo;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tributary.messages.SamplingSpec;
import io.tributary.model.LoraConfig;
import io.tributary.train.OptimizerConfig;

/**
 * The GRPO learner's settings, with the names TRL and DAPO users know. Missing keys take the
 * defaults of the 2-core demonstration (docs/engineering-notes.md, "GRPO defaults"): G = 8, 32
 * prompts a step, clip 0.2/0.28, β = 0, token-level (DAPO) aggregation, dynamic sampling on.
 *
 * @param sampling G, temperature, top-p/k, budget and stop texts: the run's one sampling spec (key
 *     {@code sampling:}), shared with the rollout workers, whose groups carry it and are refused by
 *     the learner when it differs. The temperature also divides the learner's logits.
 * @param promptsPerStep groups in one policy update batch
 * @param epsilonLow lower clip ε
 * @param epsilonHigh upper clip (DAPO clip-higher)
 * @param beta KL weight to the reference policy (k3 estimator); 0 loads no reference model
 * @param aggregation how per-token losses become one scalar
 * @param advantageScaling divide by the group's (or batch's) reward std, or not (Dr. GRPO)
 * @param numIterations μ: optimisation passes over each batch
 * @param miniBatches optimizer steps per pass (the batch is split in this many parts)
 * @param dynamicSampling drop zero-variance groups and draw more prompts (DAPO §3.2)
 * @param maxSamplingRounds rounds of drawing prompts for one batch under dynamic sampling
 * @param maskTruncated completions cut at maxNewTokens carry no loss (DAPO overlong filtering)
 * @param overlongBuffer DAPO's soft overlong punishment over the last this-many tokens; 0 = off
 * @param importanceRatioCap dual-clip cap of the ratio for stale rollouts; null = none
 * @param optimizer AdamW and schedule
 * @param seed sampling and shuffling seed
 * @param lora low-rank adapters to train instead of every weight (key {@code lora:}); null trains
 *     the whole policy
 */
public record GrpoConfig(
    SamplingSpec sampling,
    Integer promptsPerStep,
    Double epsilonLow,
    Double epsilonHigh,
    Double beta,
    LossAggregation aggregation,
    AdvantageScaling advantageScaling,
    Integer numIterations,
    Integer miniBatches,
    Boolean dynamicSampling,
    Integer maxSamplingRounds,
    Boolean maskTruncated,
    Integer overlongBuffer,
    Double importanceRatioCap,
    OptimizerConfig optimizer,
    Long seed,
    LoraConfig lora) {

  /** Without adapters: every weight is trained. */
  public GrpoConfig(
      SamplingSpec sampling,
      Integer promptsPerStep,
      Double epsilonLow,
      Double epsilonHigh,
      Double beta,
      LossAggregation aggregation,
      AdvantageScaling advantageScaling,
      Integer numIterations,
      Integer miniBatches,
      Boolean dynamicSampling,
      Integer maxSamplingRounds,
      Boolean maskTruncated,
      Integer overlongBuffer,
      Double importanceRatioCap,
      OptimizerConfig optimizer,
      Long seed) {
    this(
        sampling,
        promptsPerStep,
        epsilonLow,
        epsilonHigh,
        beta,
        aggregation,
        advantageScaling,
        numIterations,
        miniBatches,
        dynamicSampling,
        maxSamplingRounds,
        maskTruncated,
        overlongBuffer,
        importanceRatioCap,
        optimizer,
        seed,
        null);
  }

  @JsonCreator
  public GrpoConfig {
    sampling = sampling != null ? sampling : SamplingSpec.defaults();
    promptsPerStep = promptsPerStep != null ? promptsPerStep : 32;
    int groupSize = sampling.groupSize();
    int maxNewTokens = sampling.maxNewTokens();
    epsilonLow = epsilonLow != null ? epsilonLow : 0.2;
    epsilonHigh = epsilonHigh != null ? epsilonHigh : 0.28;
    beta = beta != null ? beta : 0.0;
    aggregation = aggregation != null ? aggregation : LossAggregation.DAPO;
    advantageScaling = advantageScaling != null ? advantageScaling : AdvantageScaling.GROUP;
    numIterations = numIterations != null ? numIterations : 1;
    miniBatches = miniBatches != null ? miniBatches : 1;
    dynamicSampling = dynamicSampling != null ? dynamicSampling : true;
    maxSamplingRounds = maxSamplingRounds != null ? maxSamplingRounds : 3;
    maskTruncated = maskTruncated != null ? maskTruncated : false;
    overlongBuffer = overlongBuffer != null ? overlongBuffer : 0;
    optimizer = optimizer != null ? optimizer : OptimizerConfig.of(1e-4, 1000);
    seed = seed != null ? seed : 0L;
    if (promptsPerStep < 1) {
      throw badValue("promptsPerStep", promptsPerStep, "a positive integer");
    }
    if (numIterations < 1) {
      throw badValue("numIterations", numIterations, "1 or more");
    }
    if (miniBatches < 1 || miniBatches > promptsPerStep * groupSize) {
      throw badValue("miniBatches", miniBatches, "between 1 and promptsPerStep x groupSize");
    }
    if (maxSamplingRounds < 1) {
      throw badValue("maxSamplingRounds", maxSamplingRounds, "1 or more");
    }
    if (overlongBuffer < 0 || overlongBuffer >= maxNewTokens) {
      throw badValue(
          "overlongBuffer", overlongBuffer, "0 (off) or less than maxNewTokens=" + maxNewTokens);
    }
    // the loss settings are validated where they are used, with the same key names
    lossConfig(epsilonLow, epsilonHigh, beta, aggregation, maxNewTokens, importanceRatioCap);
  }

  public GrpoLossConfig lossConfig() {
    return lossConfig(
        epsilonLow, epsilonHigh, beta, aggregation, maxNewTokens(), importanceRatioCap);
  }

  /** G, completions per prompt ({@code sampling.groupSize}). */
  public int groupSize() {
    return sampling.groupSize();
  }

  /** The sampling temperature, which also divides the learner's logits. */
  public double temperature() {
    return sampling.temperature();
  }

  public double topP() {
    return sampling.topP();
  }

  /** The completion budget; longer completions are truncated. */
  public int maxNewTokens() {
    return sampling.maxNewTokens();
  }

  private static GrpoLossConfig lossConfig(
      double low, double high, double beta, LossAggregation aggregation, int maxNew, Double cap) {
    return new GrpoLossConfig(low, high, beta, aggregation, maxNew, cap);
  }

  /** This config training {@code lora}'s adapters (null: every weight). */
  public GrpoConfig withLora(LoraConfig lora) {
    return new GrpoConfig(
        sampling,
        promptsPerStep,
        epsilonLow,
        epsilonHigh,
        beta,
        aggregation,
        advantageScaling,
        numIterations,
        miniBatches,
        dynamicSampling,
        maxSamplingRounds,
        maskTruncated,
        overlongBuffer,
        importanceRatioCap,
        optimizer,
        seed,
        lora);
  }

  public static GrpoConfig defaults() {
    return new GrpoConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }
}
