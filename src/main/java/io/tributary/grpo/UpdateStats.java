package io.tributary.grpo;

import io.tributary.train.StepOutcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the optimizer steps of one GRPO batch did, averaged over its mini-batch steps. A value that
 * was not computed is empty, never 0: the KL without a reference model (beta = 0), the expert load
 * of a model without routed experts, the shares of a rollout correction that is off, the mismatch
 * of a staleness no group had.
 *
 * @param truncatedFraction share of tokens whose behaviour weight the rollout correction truncated
 * @param maskedFraction share of tokens the rollout correction masked
 * @param mismatch sampler against learner before the update, per staleness bucket present
 * @param routingMismatch share of (completion token, MoE layer) routing decisions whose experts
 *     differ between the sampler's trace and the learner's forward, over every training forward; 0
 *     under routing replay, empty when no rollout carried a routing trace
 */
public record UpdateStats(
    int optimizerSteps,
    int skippedSteps,
    double loss,
    OptionalDouble kl,
    double entropy,
    double clipFracLow,
    double clipFracHigh,
    double clipFracRegion,
    double meanRatio,
    double gradNorm,
    double learningRate,
    double fracTruncated,
    double fracZeroStd,
    long trainedTokens,
    OptionalDouble expertShareMax,
    OptionalDouble expertShareMin,
    OptionalDouble truncatedFraction,
    OptionalDouble maskedFraction,
    Map<StalenessBucket, PolicyMismatch.Summary> mismatch,
    OptionalDouble routingMismatch) {

  public UpdateStats {
    mismatch = Map.copyOf(mismatch);
  }

  /**
   * The rollout correction's shares and the mismatch metrics under their metric names, only those
   * computed: {@code correction_truncated_frac}, {@code correction_masked_frac}, and per staleness
   * bucket b (s0, s1, s2, s3plus) {@code mismatch/b/tokens}, {@code mismatch/b/logp_abs_mean},
   * {@code mismatch/b/logp_abs_max}, {@code mismatch/b/k3_kl} (KL(behaviour || learner)) and {@code
   * mismatch/b/routing_diff}.
   */
  public Map<String, Double> offPolicyMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    truncatedFraction.ifPresent(v -> m.put("correction_truncated_frac", v));
    maskedFraction.ifPresent(v -> m.put("correction_masked_frac", v));
    for (StalenessBucket bucket : StalenessBucket.values()) {
      PolicyMismatch.Summary s = mismatch.get(bucket);
      if (s == null) {
        continue;
      }
      String prefix = "mismatch/" + bucket.metricName() + "/";
      m.put(prefix + "tokens", (double) s.tokens());
      m.put(prefix + "logp_abs_mean", s.logProbAbsMean());
      m.put(prefix + "logp_abs_max", s.logProbAbsMax());
      m.put(prefix + "k3_kl", s.k3Kl());
      s.routingDisagreement().ifPresent(v -> m.put(prefix + "routing_diff", v));
    }
    return m;
  }

  static final class Builder {
    int steps;
    int skipped;
    double loss;
    double kl;
    int klSteps;
    double entropy;
    double low;
    double high;
    double region;
    double ratio;
    double gradNorm;
    double lr;
    double fracTruncated;
    double fracZeroStd;
    long tokens;
    double shareMax = Double.NaN;
    double shareMin = Double.NaN;
    double truncated;
    int truncatedSteps;
    double masked;
    int maskedSteps;
    final PolicyMismatch mismatch = new PolicyMismatch();
    long routingDiffering;
    long routingDecisions;

    void addRouting(long differing, long decisions) {
      routingDiffering += differing;
      routingDecisions += decisions;
    }

    void add(
        double lossValue,
        GrpoLossStatistics s,
        double entropyValue,
        StepOutcome outcome,
        long activeTokens,
        double[] expertShare) {
      if (!Double.isNaN(expertShare[0])) {
        shareMax = Double.isNaN(shareMax) ? expertShare[0] : Math.max(shareMax, expertShare[0]);
        shareMin = Double.isNaN(shareMin) ? expertShare[1] : Math.min(shareMin, expertShare[1]);
      }
      steps++;
      skipped += outcome.applied() ? 0 : 1;
      loss += lossValue;
      if (!Double.isNaN(s.meanKl())) { // NaN: no reference log-probs, beta = 0
        kl += s.meanKl();
        klSteps++;
      }
      if (!Double.isNaN(s.truncatedFraction())) {
        truncated += s.truncatedFraction();
        truncatedSteps++;
      }
      if (!Double.isNaN(s.maskedFraction())) {
        masked += s.maskedFraction();
        maskedSteps++;
      }
      entropy += entropyValue;
      low += s.clipFracLow();
      high += s.clipFracHigh();
      region += s.clipFracRegion();
      ratio += s.meanRatio();
      gradNorm += outcome.gradNorm();
      lr = outcome.learningRate();
      tokens += activeTokens;
    }

    UpdateStats build() {
      double n = Math.max(1, steps);
      return new UpdateStats(
          steps,
          skipped,
          loss / n,
          klSteps == 0 ? OptionalDouble.empty() : OptionalDouble.of(kl / klSteps),
          entropy / n,
          low / n,
          high / n,
          region / n,
          ratio / n,
          gradNorm / n,
          lr,
          fracTruncated,
          fracZeroStd,
          tokens,
          present(shareMax),
          present(shareMin),
          truncatedSteps == 0
              ? OptionalDouble.empty()
              : OptionalDouble.of(truncated / truncatedSteps),
          maskedSteps == 0 ? OptionalDouble.empty() : OptionalDouble.of(masked / maskedSteps),
          mismatch.summaries(),
          routingDecisions == 0
              ? OptionalDouble.empty()
              : OptionalDouble.of((double) routingDiffering / routingDecisions));
    }

    private static OptionalDouble present(double value) {
      return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }
}
