package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection may run between a training forward and its backward (the closed loop's
 * Flink, Kafka and evaluator threads allocate all the time). The gradients must not depend on it:
 * every array the backward reads has to stay alive until the step's manager closes.
 */
class BackwardAfterGarbageCollectionTest {
  private static final int[][] TOKENS = PolicyModelTest.randomTokens(3, 10, 40, 11);
  private static final int[] PADDING = {0, 3, 6}; // left padding, as GRPO's training rows

  @Test
  void modelGradientsAreTheSameWhenACollectionRunsBeforeTheBackward() {
    ModelConfig config =
        TinyModels.tiny().toBuilder().routedScale(2.5).balanceLossWeight(0.01).build();
    try (PolicyModel model = PolicyModel.create(config, 5)) {
      List<float[]> undisturbed = gradients(model, false);
      List<float[]> collected = gradients(model, true);
      List<Pair<String, Parameter>> params = model.trainableParameters();
      for (int i = 0; i < params.size(); i++) {
        assertThat(collected.get(i))
            .as("gradient of %s after a collection", params.get(i).getKey())
            .containsExactly(undisturbed.get(i));
      }
    }
  }

  /** A fixed linear function of the logits plus the balance loss, differentiated. */
  private static List<float[]> gradients(PolicyModel model, boolean collectBeforeBackward) {
    try (NDManager step = model.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      int b = TOKENS.length;
      int t = TOKENS[0].length;
      boolean[] valid = new boolean[b * t];
      for (int i = 0; i < b; i++) {
        for (int j = PADDING[i]; j < t; j++) {
          valid[i * t + j] = true;
        }
      }
      RoutingContext routing = RoutingContext.training(valid);
      NDArray logits = model.logitsLeftPadded(step, TOKENS, PADDING, routing); // (B, T, V)
      NDArray loss = logits.mul(probe(step, logits.getShape())).sum().add(routing.balanceLoss());
      if (collectBeforeBackward) {
        GarbageCollection.freeUnreachableBuffers();
      }
      collector.backward(loss);
    }
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.trainableParameters()) {
      try (NDArray gradient = p.getValue().getArray().getGradient()) {
        out.add(gradient.toFloatArray());
        gradient.set(new NDIndex("..."), 0f);
      }
    }
    return out;
  }

  private static NDArray probe(NDManager step, Shape shape) {
    Random random = new Random(3);
    float[] weights = new float[(int) shape.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) random.nextGaussian();
    }
    return step.create(weights, shape);
  }
}
