package io.tributary.grpo;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tributary.model.LoraConfig;
import io.tributary.train.OptimizerConfig;

/**
 * The GRPO learner's settings, with the names TRL and DAPO users know. Missing keys take the
 * defaults of the 2-core demonstration (docs/engineering-notes.md, "GRPO defaults"): G = 8, 32
 * prompts a step, clip 0.2/0.28, β = 0, token-level (DAPO) aggregation, dynamic sampling on.
 *
 * @param groupSize G completions per prompt
 * @param promptsPerStep groups in one policy update batch
 * @param temperature sampling temperature; also divides the learner's logits
 * @param topP nucleus sampling (1 = off)
 * @param maxNewTokens completion budget; longer completions are truncated
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
 * @param routingReplay {@code replay}: completion tokens use the experts the sampler recorded;
 *     {@code off} (default): the learner routes every token itself
 */
public record GrpoConfig(
    Integer groupSize,
    Integer promptsPerStep,
    Double temperature,
    Double topP,
    Integer maxNewTokens,
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
    LoraConfig lora,
    RoutingReplay routingReplay) {

  /** Without adapters: every weight is trained. */
  public GrpoConfig(
      Integer groupSize,
      Integer promptsPerStep,
      Double temperature,
      Double topP,
      Integer maxNewTokens,
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
        groupSize,
        promptsPerStep,
        temperature,
        topP,
        maxNewTokens,
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
        null,
        null);
  }

  @JsonCreator
  public GrpoConfig {
    groupSize = groupSize != null ? groupSize : 8;
    promptsPerStep = promptsPerStep != null ? promptsPerStep : 32;
    temperature = temperature != null ? temperature : 1.0;
    topP = topP != null ? topP : 1.0;
    maxNewTokens = maxNewTokens != null ? maxNewTokens : 64;
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
    routingReplay = routingReplay != null ? routingReplay : RoutingReplay.OFF;
    if (groupSize < 2) {
      throw badValue("groupSize", groupSize, "2 or more (advantages compare members of a group)");
    }
    if (promptsPerStep < 1) {
      throw badValue("promptsPerStep", promptsPerStep, "a positive integer");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw badValue(
          "temperature", temperature, "a positive number (GRPO samples; greedy has no variance)");
    }
    if (maxNewTokens < 1) {
      throw badValue("maxNewTokens", maxNewTokens, "a positive integer");
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
    return lossConfig(epsilonLow, epsilonHigh, beta, aggregation, maxNewTokens, importanceRatioCap);
  }

  private static GrpoLossConfig lossConfig(
      double low, double high, double beta, LossAggregation aggregation, int maxNew, Double cap) {
    return new GrpoLossConfig(low, high, beta, aggregation, maxNew, cap);
  }

  /** This config training {@code lora}'s adapters (null: every weight). */
  public GrpoConfig withLora(LoraConfig lora) {
    return new GrpoConfig(
        groupSize,
        promptsPerStep,
        temperature,
        topP,
        maxNewTokens,
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
        lora,
        routingReplay);
  }

  /** This config with {@code routingReplay}. */
  public GrpoConfig withRoutingReplay(RoutingReplay routingReplay) {
    return new GrpoConfig(
        groupSize,
        promptsPerStep,
        temperature,
        topP,
        maxNewTokens,
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
        lora,
        routingReplay);
  }

  public static GrpoConfig defaults() {
    return new GrpoConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }
}
