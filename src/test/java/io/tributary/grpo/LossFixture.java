package io.tributary.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/**
 * Two completions of three token slots for the hand-computed loss tests of GSPO, CISPO and the
 * rollout correction: the first completion has two tokens, then padding.
 */
final class LossFixture {
  static final double[][] MASK = {{1, 1, 0}, {1, 1, 1}};
  static final double[][] LOGP_OLD = {{-1.0, -2.0, -0.5}, {-1.5, -0.7, -2.2}};
  // log(π_θ / π_behaviour); the padded slot's 0 must never count
  static final double[][] LOG_RATIO = {{0.1, 0.4, 0.0}, {-0.5, 0.05, 1.5}};
  static final double[] ADVANTAGES = {1.0, -0.5};
  static final int MAX_COMPLETION_LENGTH = 4;
  static final long DAPO_TOKENS = 9; // this micro-batch has 5, the accumulated batch 9
  static final int ACTIVE = 5;

  private LossFixture() {}

  /** The loss value and d loss / d logp per slot, row-major. */
  record Evaluation(double loss, float[] gradient, GrpoLossStatistics statistics) {}

  /**
   * Evaluates the loss at logp = LOGP_OLD + LOG_RATIO, with proximal log-probs LOGP_OLD + {@code
   * proximalShift} when that is not null.
   */
  static Evaluation evaluate(GrpoLossConfig config, double[][] proximalShift) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logp = manager.create(toFloat(plus(LOGP_OLD, LOG_RATIO)));
      logp.setRequiresGradient(true);
      double loss;
      GrpoLossStatistics statistics;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        LossInputs in =
            new LossInputs(
                logp,
                manager.create(toFloat(LOGP_OLD)),
                null,
                manager.create(toFloat(ADVANTAGES)),
                manager.create(toFloat(MASK)),
                DAPO_TOKENS,
                proximalShift == null
                    ? null
                    : manager.create(toFloat(plus(LOGP_OLD, proximalShift))));
        GrpoLossResult result = GrpoLoss.compute(in, config);
        loss = result.loss().getFloat();
        statistics = result.statistics();
        collector.backward(result.loss());
      }
      return new Evaluation(loss, logp.getGradient().toFloatArray(), statistics);
    }
  }

  static double logp(int row, int t) {
    return LOGP_OLD[row][t] + LOG_RATIO[row][t];
  }

  static double tokens(int row) {
    return MASK[row][0] + MASK[row][1] + MASK[row][2];
  }

  static double[][] plus(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[a[i].length];
      for (int t = 0; t < a[i].length; t++) {
        out[i][t] = a[i][t] + b[i][t];
      }
    }
    return out;
  }

  static float[][] toFloat(double[][] values) {
    float[][] out = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = toFloat(values[i]);
    }
    return out;
  }

  static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
