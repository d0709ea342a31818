package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tributary.model.GarbageCollection;
import io.tributary.train.TokenLogProbs;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The learner's loss from logits to scalar (temperature, log-probs, ratio cap, KL penalty, each
 * aggregation) gives the same gradient whether or not a garbage collection runs before the
 * backward: a constant freed by the collector must never be read by the backward.
 */
class GrpoLossBackwardAfterGarbageCollectionTest {
  private static final int ROWS = 3;
  private static final int TOKENS = 4;
  private static final int VOCAB = 6;
  private static final int[][] TARGETS = {{1, 2, 3, 4}, {0, 5, 2, 2}, {3, 3, 1, 0}};
  private static final float[] MASK = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0};
  private static final float[] ADVANTAGES = {1.0f, -0.7f, 0.4f};

  @ParameterizedTest
  @EnumSource(LossAggregation.class)
  void gradientIsTheSameWhenACollectionRunsBeforeTheBackward(LossAggregation aggregation) {
    RolloutCorrection dualClip =
        aggregation.objective() == PolicyObjective.CLIPPED_TOKEN_RATIO
            ? RolloutCorrection.dualClip(1.5)
            : null; // GSPO and CISPO have no unclipped term to cap
    GrpoLossConfig config = new GrpoLossConfig(0.2, 0.28, 0.04, aggregation, 6, dualClip);
    float[] undisturbed = gradient(config, false);
    float[] collected = gradient(config, true);
    assertThat(collected).containsExactly(undisturbed);
  }

  private static float[] gradient(GrpoLossConfig config, boolean collectBeforeBackward) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(values(ROWS * TOKENS * VOCAB, 1, 1.5), shape(VOCAB));
      logits.setRequiresGradient(true);
      try (NDManager step = manager.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray scaled = logits.add(step.zeros(new Shape(1))); // an activation in the step
        NDArray logp = TokenLogProbs.of(scaled, TARGETS, 0.7);
        // off-policy enough that the ratio cap and both clips are active somewhere
        NDArray logpOld =
            logp.stopGradient().add(step.create(values(ROWS * TOKENS, 2, 0.8), shape()));
        NDArray logpRef =
            logp.stopGradient().add(step.create(values(ROWS * TOKENS, 3, 0.3), shape()));
        LossInputs inputs =
            LossInputs.of(
                logp, logpOld, logpRef, step.create(ADVANTAGES), step.create(MASK, shape()));
        NDArray loss = GrpoLoss.compute(inputs, config).loss();
        if (collectBeforeBackward) {
          GarbageCollection.freeUnreachableBuffers();
        }
        collector.backward(loss);
      }
      try (NDArray gradient = logits.getGradient()) {
        return gradient.toFloatArray();
      }
    }
  }

  private static Shape shape(long... trailing) {
    long[] dims = new long[2 + trailing.length];
    dims[0] = ROWS;
    dims[1] = TOKENS;
    System.arraycopy(trailing, 0, dims, 2, trailing.length);
    return new Shape(dims);
  }

  private static float[] values(int n, long seed, double std) {
    Random random = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * std);
    }
    return out;
  }
}
