package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A router under replay uses the given experts where the router would have chosen others, and gates
 * them with its own scores in its family's normalisation, so the router still gets a gradient;
 * positions without replayed experts choose as before.
 */
class RouterReplayTest {
  static final int TOKENS = 5;
  static final int REPLAYED = 3; // tokens 0..2 replayed, 3..4 free

  static ModelConfig config(ScoringFunction scoring, boolean normalize) {
    return TinyModels.tiny().toBuilder()
        .routedExperts(6)
        .topK(2)
        .denseLayers(2)
        .layers(3)
        .sharedExperts(0)
        .scoring(scoring)
        .normalizeTopK(normalize)
        .build();
  }

  @ParameterizedTest(name = "{0}, normalizeTopK={1}")
  @CsvSource({"SOFTMAX, true", "SOFTMAX, false", "SIGMOID, true", "SIGMOID, false"})
  void replayedTokensUseTheGivenExpertsGatedByTheRoutersOwnScores(
      ScoringFunction scoring, boolean normalize) {
    ModelConfig config = config(scoring, normalize);
    int e = config.routedExperts();
    try (NDManager manager = NDManager.newBaseManager(config.device().resolve())) {
      Router router = new Router(config);
      router.initializeFrom(new Random(3), manager, 0.5, config.layers());
      NDArray x = input(manager, config);
      Router.Routing own = router.route(x, RoutingContext.inference(), 0);
      float[] scores = own.scores().toFloatArray();

      ReplayedRoutes replay = new ReplayedRoutes(config, TOKENS);
      int[] forced = new int[REPLAYED * 2];
      for (int t = 0; t < REPLAYED; t++) {
        int[] worst = twoLowest(scores, t * e, e); // never what the router itself would choose
        forced[2 * t] = worst[0];
        forced[2 * t + 1] = worst[1];
      }
      replay.put(0, RoutingTrace.pack(1, 2, e, forced));
      RoutingContext context = RoutingContext.inference().replaying(replay).recordingRoutes(1);
      Router.Routing replayed = router.route(x, context, 0);

      float[] gates = replayed.gates().toFloatArray();
      for (int t = 0; t < TOKENS; t++) {
        int a = t < REPLAYED ? forced[2 * t] : own.chosen()[2 * t];
        int b = t < REPLAYED ? forced[2 * t + 1] : own.chosen()[2 * t + 1];
        assertThat(replayed.chosen()[2 * t]).isEqualTo(a);
        assertThat(replayed.chosen()[2 * t + 1]).isEqualTo(b);
        double sum = normalize ? scores[t * e + a] + scores[t * e + b] : 1;
        for (int j = 0; j < e; j++) {
          double expected = j == a || j == b ? scores[t * e + j] / sum : 0;
          assertThat((double) gates[t * e + j]).isCloseTo(expected, within(1e-6));
        }
      }
      assertThat(context.routes(0)).isEqualTo(replayed.chosen());
    }
  }

  @ParameterizedTest(name = "{0}, normalizeTopK={1}")
  @CsvSource({"SOFTMAX, true", "SOFTMAX, false", "SIGMOID, true", "SIGMOID, false"})
  void theRouterWeightGetsAGradientThroughReplayedGates(
      ScoringFunction scoring, boolean normalize) {
    ModelConfig config = config(scoring, normalize);
    int e = config.routedExperts();
    try (NDManager manager = NDManager.newBaseManager(config.device().resolve())) {
      Router router = new Router(config);
      router.initializeFrom(new Random(3), manager, 0.5, config.layers());
      NDArray x = input(manager, config);
      ReplayedRoutes replay = new ReplayedRoutes(config, TOKENS);
      int[] all = new int[TOKENS * 2];
      for (int t = 0; t < TOKENS; t++) {
        all[2 * t] = t % e;
        all[2 * t + 1] = (t + 3) % e;
      }
      replay.put(0, RoutingTrace.pack(1, 2, e, all));
      NDArray weight = router.getParameters().get("weight").getArray();
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        Router.Routing routing = router.route(x, RoutingContext.inference().replaying(replay), 0);
        // an uneven weighting of the gates: with renormalised gates their plain sum is constant
        NDArray weights = manager.arange((float) (TOKENS * e)).reshape(TOKENS, e);
        collector.backward(routing.gates().mul(weights).sum());
      }
      float[] gradient = weight.getGradient().toFloatArray();
      double norm = 0;
      for (float g : gradient) {
        norm += g * g;
      }
      assertThat(norm).isGreaterThan(1e-8);
    }
  }

  @Test
  void aReplayedTokenMustNameDistinctExpertsOfTheModel() {
    ModelConfig config = config(ScoringFunction.SOFTMAX, true);
    try (NDManager manager = NDManager.newBaseManager(config.device().resolve())) {
      Router router = new Router(config);
      router.initializeFrom(new Random(3), manager, 0.5, config.layers());
      ReplayedRoutes replay = new ReplayedRoutes(config, TOKENS);
      replay.put(0, RoutingTrace.pack(1, 2, 6, new int[] {4, 4}));
      NDArray x = input(manager, config);
      assertThatThrownBy(() -> router.route(x, RoutingContext.inference().replaying(replay), 0))
          .hasMessageContaining("replayed routes of token 0: [4, 4]")
          .hasMessageContaining("2 distinct experts in 0..5");
      assertThatThrownBy(() -> replay.put(0, RoutingTrace.pack(1, 2, 8, new int[] {1, 2})))
          .hasMessageContaining("cannot be replayed on a model with 1 MoE layers, top-2 of 6");
    }
  }

  static NDArray input(NDManager manager, ModelConfig config) {
    float[] x = new float[TOKENS * config.dim()];
    Random random = new Random(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    NDArray array = manager.create(x, new Shape(TOKENS, config.dim()));
    return array;
  }

  static int[] twoLowest(float[] scores, int from, int e) {
    int lowest = -1;
    int second = -1;
    for (int j = 0; j < e; j++) {
      if (lowest < 0 || scores[from + j] < scores[from + lowest]) {
        second = lowest;
        lowest = j;
      } else if (second < 0 || scores[from + j] < scores[from + second]) {
        second = j;
      }
    }
    return new int[] {lowest, second};
  }
}
