package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tributary.model.GarbageCollection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryCrossEntropyGradientTest {
  private static final float[] LOGITS = {-3f, -0.5f, 0.25f, 2f, 6f};
  private static final float[] LABELS = {0f, 1f, 0f, 1f, 0f};

  /** d mean BCE / d s_i = (σ(s_i) − y_i) / n, also when a collection runs before the backward. */
  @ParameterizedTest(name = "collection before backward: {0}")
  @ValueSource(booleans = {false, true})
  void gradientIsSigmoidMinusLabelOverN(boolean collectBeforeBackward) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(LOGITS);
      logits.setRequiresGradient(true);
      try (NDManager step = manager.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray activation = logits.add(step.zeros(new Shape(1))); // an activation in the step
        NDArray loss = RewardModelTrainer.binaryCrossEntropy(activation, step.create(LABELS));
        if (collectBeforeBackward) {
          GarbageCollection.freeUnreachableBuffers();
        }
        collector.backward(loss);
      }
      float[] gradient;
      try (NDArray g = logits.getGradient()) {
        gradient = g.toFloatArray();
      }
      for (int i = 0; i < LOGITS.length; i++) {
        double sigmoid = 1 / (1 + Math.exp(-LOGITS[i]));
        assertThat((double) gradient[i])
            .as("d loss / d logit %d", i)
            .isCloseTo((sigmoid - LABELS[i]) / LOGITS.length, within(1e-6));
      }
    }
  }
}
