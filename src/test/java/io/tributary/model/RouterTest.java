package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The softmax router as Qwen3-MoE and Mixtral compute it (transformers Qwen3MoeSparseMoeBlock):
 * softmax over all experts, the top K probabilities, renormalised only with norm_topk_prob.
 */
class RouterTest {

  @ParameterizedTest(name = "normalizeTopK={0}")
  @ValueSource(booleans = {true, false})
  void gatesAreTheTopKSoftmaxProbabilitiesRenormalisedOnlyWhenAsked(boolean normalize) {
    ModelConfig config =
        TinyModels.tiny().toBuilder()
            .routedExperts(6)
            .topK(2)
            .denseLayers(0)
            .sharedExperts(0)
            .normalizeTopK(normalize)
            .build();
    int n = 5;
    int c = config.dim();
    try (NDManager manager = NDManager.newBaseManager(config.device().resolve())) {
      Router router = new Router(config);
      router.initializeFrom(new Random(3), manager, 0.5, config.layers());
      float[] x = new float[n * c];
      Random random = new Random(4);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      NDArray tokens = manager.create(x, new Shape(n, c));
      Router.Routing routing = router.route(tokens, RoutingContext.inference(), 0);
      float[] logits =
          tokens.matMul(router.getParameters().get("weight").getArray().transpose()).toFloatArray();
      float[] gates = routing.gates().toFloatArray();
      int e = config.routedExperts();
      for (int t = 0; t < n; t++) {
        double[] p = softmax(logits, t * e, e);
        int first = argmax(p, -1);
        int second = argmax(p, first);
        assertThat(routing.chosen()[2 * t]).isEqualTo(first);
        assertThat(routing.chosen()[2 * t + 1]).isEqualTo(second);
        double sum = normalize ? p[first] + p[second] : 1;
        for (int j = 0; j < e; j++) {
          double expected = j == first || j == second ? p[j] / sum : 0;
          assertThat((double) gates[t * e + j]).isCloseTo(expected, within(1e-6));
        }
      }
    }
  }

  private static double[] softmax(float[] logits, int from, int e) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < e; j++) {
      max = Math.max(max, logits[from + j]);
    }
    double[] p = new double[e];
    double sum = 0;
    for (int j = 0; j < e; j++) {
      p[j] = Math.exp(logits[from + j] - max);
      sum += p[j];
    }
    for (int j = 0; j < e; j++) {
      p[j] /= sum;
    }
    return p;
  }

  private static int argmax(double[] p, int except) {
    int best = -1;
    for (int j = 0; j < p.length; j++) {
      if (j != except && (best < 0 || p[j] > p[best])) {
        best = j;
      }
    }
    return best;
  }
}
