package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupLimitedSelectionTest {

  @Test
  void onlyExpertsOfTheKeptGroupsAreChosenEvenWhenABetterOneSitsElsewhere() {
    // groups {0,1} {2,3} {4,5} {6,7} score 1.0, 1.0, 0.8, 0.9: the first two are kept, so expert 4
    // (0.8, second best overall) loses to expert 2 (0.5), which wins its tie with expert 3
    float[] biased = {0.9f, 0.1f, 0.5f, 0.5f, 0.8f, 0.0f, 0.3f, 0.6f};
    assertThat(GroupLimitedSelection.choose(biased, 4, 2, 2)).containsExactly(0, 2);
  }

  @Test
  void aGroupScoresTheSumOfItsTwoBestExpertsNotItsBestOne() {
    // group 0 holds the best expert (0.95) but sums to 1.0; group 1 sums 0.6 + 0.6 = 1.2
    float[] biased = {0.95f, 0.05f, 0.05f, 0.05f, 0.6f, 0.6f, 0.1f, 0.1f};
    assertThat(GroupLimitedSelection.choose(biased, 2, 1, 2)).containsExactly(4, 5);
  }

  @Test
  void maskedExpertsCountAsZeroAsInTransformersSoTheyBeatNegativeBiasedScores() {
    // group 0 (0.1) is kept over group 1 (−1.1); its expert 1 (−0.2) then loses to masked expert 2
    float[] biased = {0.3f, -0.2f, -0.5f, -0.6f};
    assertThat(GroupLimitedSelection.choose(biased, 2, 1, 2)).containsExactly(0, 2);
  }

  @Test
  void keepingEveryGroupIsPlainTopK() {
    float[] biased = {0.2f, 0.7f, 0.1f, 0.9f, 0.3f, 0.8f};
    assertThat(GroupLimitedSelection.choose(biased, 3, 3, 3)).containsExactly(3, 5, 1);
  }

  @Test
  void theRouterSelectsWithTheBiasAndWeighsWithTheUnbiasedSigmoidScores() {
    ModelConfig config =
        ModelConfig.builder()
            .dim(8)
            .heads(2)
            .routedExperts(8)
            .topK(2)
            .scoring(ScoringFunction.SIGMOID)
            .routerGroups(4)
            .routerTopKGroups(2)
            .device(DeviceChoice.CPU)
            .build();
    float[] logits = {2.0f, -1.0f, 0.5f, 0.4f, 2.5f, -3.0f, 0.0f, 0.3f};
    float[] bias = {0f, 0f, -0.2f, 0.3f, 0f, 0f, 0f, 0f};
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      Router router = new Router(config);
      router.initializeFrom(new Random(1), manager, 0.02, 1);
      router.getParameters().get("weight").getArray().set(identity(8)); // logits = x
      router.getParameters().get("selection_bias").getArray().set(bias);
      NDArray x = manager.create(logits, new Shape(1, 8));

      Router.Routing routing = router.route(x, RoutingContext.inference(), 0);

      // biased sigmoid: 0.881, 0.269, 0.422, 0.899, 0.924, 0.047, 0.5, 0.574; group sums 1.150,
      // 1.321, 0.971, 1.074 keep groups 1 and 0, so the best expert, 4, is out; of 0-3: 3, 0
      assertThat(routing.chosen()).containsExactly(3, 0);
      double s0 = sigmoid(2.0);
      double s3 = sigmoid(0.4);
      float[] gates = routing.gates().toFloatArray();
      assertThat(gates[0]).isCloseTo((float) (s0 / (s0 + s3)), offset(1e-6f));
      assertThat(gates[3]).isCloseTo((float) (s3 / (s0 + s3)), offset(1e-6f));
      assertThat(gates[4]).isZero();
    }
  }

  private static float[] identity(int n) {
    float[] out = new float[n * n];
    for (int i = 0; i < n; i++) {
      out[i * n + i] = 1f;
    }
    return out;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
