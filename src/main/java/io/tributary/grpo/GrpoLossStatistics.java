package io.tributary.grpo;

/**
 * Plain-Java diagnostics of one loss evaluation, computed without gradient, each a mean over the
 * active (mask-1) tokens. Clip fractions follow TRL: a token counts as clipped only where clipping
 * removes its gradient, i.e. low with a negative advantage, high with a positive one; under CISPO,
 * whose clip never removes a gradient, where its weight is clipped. Ratios are taken against the
 * surrogate's anchor (the behaviour policy, or the proximal one in decoupled mode); under GSPO a
 * token's ratio is its sequence's.
 *
 * @param meanKl mean k3 KL to the reference policy; NaN when no reference log-probs were given
 * @param clipFracLow share of tokens with ratio below {@code 1 - epsilonLow} (and A < 0)
 * @param clipFracHigh share of tokens with ratio above {@code 1 + epsilonHigh} (and A > 0)
 * @param clipFracRegion share of tokens clipped at either end
 * @param truncatedFraction share of tokens whose behaviour weight was truncated at the rollout
 *     correction's cap (coupled: whose ratio exceeded the dual-clip cap with A < 0); NaN when no
 *     truncation is configured
 * @param maskedFraction share of tokens the rollout correction masked; NaN when masking is off
 * @param meanRatio mean importance ratio
 * @param activeTokens number of mask-1 tokens in this (micro-)batch
 * @param maxAbsLogRatio largest token |log ρ| over the active tokens: how far off-policy the batch
 *     is
 */
public record GrpoLossStatistics(
    double meanKl,
    double clipFracLow,
    double clipFracHigh,
    double clipFracRegion,
    double truncatedFraction,
    double maskedFraction,
    double meanRatio,
    long activeTokens,
    double maxAbsLogRatio) {}
