package io.tributary.grpo;

import io.tributary.train.StepOutcome;

/** What the optimizer steps of one GRPO batch did, averaged over its mini-batch steps. */
public record UpdateStats(
    int optimizerSteps,
    int skippedSteps,
    double loss,
    double kl,
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
    double expertShareMax,
    double expertShareMin) {

  static final class Builder {
    int steps;
    int skipped;
    double loss;
    double kl;
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
    double shareMax;
    double shareMin = 1;

    void add(
        double lossValue,
        GrpoLossStatistics s,
        double entropyValue,
        StepOutcome outcome,
        long activeTokens,
        double[] expertShare) {
      shareMax = Math.max(shareMax, expertShare[0]);
      shareMin = Math.min(shareMin, expertShare[1]);
      steps++;
      skipped += outcome.applied() ? 0 : 1;
      loss += lossValue;
      kl += Double.isNaN(s.meanKl()) ? 0 : s.meanKl();
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
          kl / n,
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
          shareMax,
          shareMin);
    }
  }
}
