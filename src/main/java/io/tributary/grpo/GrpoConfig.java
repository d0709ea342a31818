package io.tributary.grpo;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tributary.messages.SamplingConfig;
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
 * @param epsilonLow lower clip ε of the token ratio (the aggregations grpo, bnpo, dr_grpo, dapo)
 * @param epsilonHigh upper clip (DAPO clip-higher)
 * @param beta KL weight to the reference policy (k3 estimator); 0 loads no reference model
 * @param aggregation the loss: grpo, bnpo, dr_grpo, dapo (the clipped token surrogate with four
 *     normalisers), gspo or cispo (see {@link LossAggregation}, docs/grpo-losses.md)
 * @param advantageScaling divide by the group's (or batch's) reward std, or not (Dr. GRPO)
 * @param numIterations μ: optimisation passes over each batch
 * @param miniBatches optimizer steps per pass (the batch is split in this many parts)
 * @param dynamicSampling drop zero-variance groups and draw more prompts (DAPO §3.2)
 * @param maxSamplingRounds rounds of drawing prompts for one batch under dynamic sampling
 * @param maskTruncated completions cut at maxNewTokens carry no loss (DAPO overlong filtering)
 * @param overlongBuffer DAPO's soft overlong punishment over the last this-many tokens; 0 = off
 * @param importanceRatioCap the earlier spelling of {@code rolloutCorrection: {importanceSampling:
 *     token, cap: C}} (the dual clip), still read so that earlier configs and the configs saved in
 *     earlier run directories load; it is turned into {@code rolloutCorrection} here and is null
 *     afterwards, so the resolved config holds only the new key
 * @param optimizer AdamW and schedule
 * @param seed sampling and shuffling seed
 * @param lora low-rank adapters to train instead of every weight (key {@code lora:}); null trains
 *     the whole policy
 * @param gspo GSPO's clip range of the sequence ratio, used when aggregation is gspo; default 3e-4
 *     / 4e-4
 * @param cispo CISPO's caps of the importance weight, used when aggregation is cispo; default no
 *     lower cap (epsilonLow 1) and 1 + 0.28
 * @param rolloutCorrection decoupled objective, truncated importance sampling and masking against
 *     the behaviour policy; default none
 * @param routingReplay {@code replay}: completion tokens use the experts the sampler recorded;
 *     {@code off} (default): the learner routes every token itself
 */
public record GrpoConfig(
    SamplingConfig sampling,
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
    LoraConfig lora,
    ClipRange gspo,
    ClipRange cispo,
    RolloutCorrection rolloutCorrection,
    RoutingReplay routingReplay) {

  /** Without adapters, with the defaults of the loss variants and no rollout correction. */
  public GrpoConfig(
      SamplingConfig sampling,
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
        null,
        null,
        null,
        null,
        null);
  }

  @JsonCreator
  public GrpoConfig {
    sampling = sampling != null ? sampling : SamplingConfig.defaults();
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
    gspo = gspo != null ? gspo : ClipRange.gspoDefaults();
    cispo = cispo != null ? cispo : ClipRange.cispoDefaults();
    if (importanceRatioCap != null && rolloutCorrection != null) {
      throw badValue(
          "importanceRatioCap",
          importanceRatioCap,
          "no value beside rolloutCorrection: importanceRatioCap C is the earlier spelling of"
              + " rolloutCorrection: {importanceSampling: token, cap: C}");
    }
    if (importanceRatioCap != null) {
      rolloutCorrection = RolloutCorrection.dualClip(importanceRatioCap);
      importanceRatioCap = null;
    }
    rolloutCorrection = rolloutCorrection != null ? rolloutCorrection : RolloutCorrection.none();
    routingReplay = routingReplay != null ? routingReplay : RoutingReplay.OFF;
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
    lossConfig(
        epsilonLow,
        epsilonHigh,
        beta,
        aggregation,
        sampling.maxNewTokens(),
        gspo,
        cispo,
        rolloutCorrection);
  }

  public GrpoLossConfig lossConfig() {
    return lossConfig(
        epsilonLow, epsilonHigh, beta, aggregation, maxNewTokens(), gspo, cispo, rolloutCorrection);
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

  /** The clip range of the chosen loss: GSPO's and CISPO's have their own scale. */
  private static GrpoLossConfig lossConfig(
      double low,
      double high,
      double beta,
      LossAggregation aggregation,
      int maxNew,
      ClipRange gspo,
      ClipRange cispo,
      RolloutCorrection correction) {
    ClipRange range =
        switch (aggregation) {
          case GSPO -> gspo;
          case CISPO -> cispo;
          default -> new ClipRange(low, high);
        };
    return new GrpoLossConfig(
        range.epsilonLow(), range.epsilonHigh(), beta, aggregation, maxNew, correction);
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
        lora,
        gspo,
        cispo,
        rolloutCorrection,
        routingReplay);
  }

  /** This config with {@code routingReplay}. */
  public GrpoConfig withRoutingReplay(RoutingReplay routingReplay) {
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
        lora,
        gspo,
        cispo,
        rolloutCorrection,
        routingReplay);
  }

  public static GrpoConfig defaults() {
    return new GrpoConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }
}
