package io.tributary.grpo;

import io.tributary.train.StepOutcome;
import java.util.OptionalDouble;

/**
 * What the optimizer steps of one GRPO batch did, averaged over its mini-batch steps. A value that
 * was not computed is empty, never 0: the KL without a reference model (beta = 0), the expert load
 * of a model without routed experts, the routing mismatch of rollouts without routing traces.
 *
 * @param routingMismatch share of (completion token, MoE layer) routing decisions whose experts
 *     differ between the sampler's trace and the learner's forward; 0 under routing replay
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
    OptionalDouble routingMismatch) {

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
          routingDecisions == 0
              ? OptionalDouble.empty()
              : OptionalDouble.of((double) routingDiffering / routingDecisions));
    }

    private static OptionalDouble present(double value) {
      return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }
}
