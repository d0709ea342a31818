package io.tributary.hf;

import io.tributary.model.ScoringFunction;

/**
 * The mixture-of-experts part of an HF config, in the terms of the three router families: Mixtral
 * and Qwen3-MoE (softmax over all experts, top-k, optional renormalisation), DeepSeek-V3 (sigmoid
 * scores, a selection-only correction bias, group-limited top-k, a routed scale, shared experts and
 * dense first layers).
 *
 * @param numExperts routed experts E (num_local_experts, num_experts or n_routed_experts)
 * @param numExpertsPerTok experts K chosen per token
 * @param expertIntermediateSize hidden width of one routed expert
 * @param sharedExperts n_shared_experts (0 without)
 * @param sharedIntermediateSize hidden width of the one shared MLP (DeepSeek-V3 builds it as
 *     moe_intermediate_size x n_shared_experts); 0 without
 * @param normTopkProb renormalise the K chosen weights to sum to 1
 * @param scoring softmax or sigmoid
 * @param selectionBias the router has e_score_correction_bias (DeepSeek-V3)
 * @param groups n_group (1: routing is not group-limited)
 * @param topkGroups topk_group
 * @param routedScalingFactor scale of the routed output
 * @param firstDenseLayers first_k_dense_replace: the first layers use a dense MLP
 */
public record HfMoe(
    int numExperts,
    int numExpertsPerTok,
    int expertIntermediateSize,
    int sharedExperts,
    int sharedIntermediateSize,
    boolean normTopkProb,
    ScoringFunction scoring,
    boolean selectionBias,
    int groups,
    int topkGroups,
    double routedScalingFactor,
    int firstDenseLayers) {}
