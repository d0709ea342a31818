package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyModelTest {

  static int[][] randomTokens(int b, int t, int vocab, long seed) {
    Random r = new Random(seed);
    int[][] out = new int[b][t];
    for (int[] row : out) {
      for (int j = 0; j < t; j++) {
        row[j] = r.nextInt(vocab);
      }
    }
    return out;
  }

  @Test
  void changingALaterTokenNeverChangesEarlierLogits() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 1);
        NDManager step = model.manager().newSubManager()) {
      int[][] tokens = randomTokens(2, 12, 40, 7);
      int[][] changed = {tokens[0].clone(), tokens[1].clone()};
      changed[0][8] = (changed[0][8] + 1) % 40;
      changed[1][11] = (changed[1][11] + 5) % 40;
      float[] a = model.logits(step, tokens, RoutingContext.inference()).toFloatArray();
      float[] b = model.logits(step, changed, RoutingContext.inference()).toFloatArray();
      int v = 40;
      int t = 12;
      for (int row = 0; row < 2; row++) {
        int firstChanged = row == 0 ? 8 : 11;
        for (int pos = 0; pos < t; pos++) {
          double diff = 0;
          for (int k = 0; k < v; k++) {
            int at = (row * t + pos) * v + k;
            diff = Math.max(diff, Math.abs(a[at] - b[at]));
          }
          if (pos < firstChanged) {
            assertThat(diff).as("row %d position %d", row, pos).isLessThan(1e-6);
          } else if (pos == firstChanged) {
            assertThat(diff).as("row %d changed position %d", row, pos).isGreaterThan(1e-4);
          }
        }
      }
    }
  }

  @Test
  void sparseDispatchEqualsTheDenseOracleInOutputsAndGradients() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 2)) {
      int[][] tokens = randomTokens(3, 16, 40, 3);
      float[] sparseOut;
      float[] denseOut;
      List<float[]> sparseGrads;
      List<float[]> denseGrads;
      try (NDManager step = model.manager().newSubManager()) {
        sparseOut = forwardBackward(model, step, tokens, Dispatch.SPARSE);
        sparseGrads = gradients(model);
      }
      try (NDManager step = model.manager().newSubManager()) {
        denseOut = forwardBackward(model, step, tokens, Dispatch.DENSE);
        denseGrads = gradients(model);
      }
      assertThat(maxDiff(sparseOut, denseOut)).isLessThanOrEqualTo(1e-5);
      for (int i = 0; i < sparseGrads.size(); i++) {
        assertThat(maxDiff(sparseGrads.get(i), denseGrads.get(i)))
            .as("gradient of parameter %d", i)
            .isLessThanOrEqualTo(1e-5);
      }
    }
  }

  @Test
  void everyTrainableParameterGetsANonZeroGradient() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 3);
        NDManager step = model.manager().newSubManager()) {
      forwardBackward(model, step, randomTokens(4, 24, 40, 4), Dispatch.SPARSE);
      for (Pair<String, Parameter> p : model.trainableParameters()) {
        try (NDArray g = p.getValue().getArray().getGradient()) {
          assertThat(g.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
        }
      }
    }
  }

  static float[] forwardBackward(
      PolicyModel model, NDManager step, int[][] tokens, Dispatch dispatch) {
    zeroGradients(model);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray logits = model.logits(step, tokens, new RoutingContext(dispatch, false, null));
      NDArray loss = logits.logSoftmax(-1).get(new NDIndex("..., 0")).mean().neg();
      collector.backward(loss.add(logits.square().mean()));
      return logits.toFloatArray();
    }
  }

  static List<float[]> gradients(PolicyModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.trainableParameters()) {
      try (NDArray g = p.getValue().getArray().getGradient()) {
        out.add(g.toFloatArray());
      }
    }
    return out;
  }

  static void zeroGradients(PolicyModel model) {
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.trainableParameters()) {
        try (NDArray g = p.getValue().getArray().getGradient()) {
          g.subi(g);
        }
      }
    }
  }

  static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
