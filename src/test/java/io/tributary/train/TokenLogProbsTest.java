package io.tributary.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunked log-probs from hidden states are the log-probs of the full logits, value, entropy and
 * gradient alike, whatever the chunk: only how much of the (B, T, V) logits exists at once differs.
 */
class TokenLogProbsTest {
  private static final int B = 2;
  private static final int T = 7;
  private static final int C = 5;
  private static final int V = 11;
  private static final double TEMPERATURE = 0.7;

  private record Inputs(
      NDArray hidden, NDArray head, NDArray bias, int[][] targets, NDArray mask) {}

  private static Inputs inputs(NDManager m) {
    Random rng = new Random(3);
    float[] hidden = new float[B * T * C];
    float[] head = new float[V * C];
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < head.length; i++) {
      head[i] = (float) rng.nextGaussian();
    }
    float[] bias = new float[V];
    bias[0] = -1e9f; // a blocked token, as sampling's vocabulary mask blocks PAD
    int[][] targets = new int[B][T];
    float[] mask = new float[B * T];
    for (int i = 0; i < B; i++) {
      for (int j = 0; j < T; j++) {
        targets[i][j] = 1 + rng.nextInt(V - 1);
        mask[i * T + j] = i == 1 && j > 4 ? 0 : 1; // the second row ends early
      }
    }
    NDArray w = m.create(head, new Shape(V, C));
    w.setRequiresGradient(true);
    return new Inputs(
        m.create(hidden, new Shape(B, T, C)),
        w,
        m.create(bias),
        targets,
        m.create(mask, new Shape(B, T)));
  }

  private static NDArray logits(NDArray hidden, NDArray head) {
    return hidden.matMul(head.transpose()); // (B, t, V)
  }

  @ParameterizedTest(name = "{0} positions per chunk")
  @ValueSource(ints = {1, 3, 7, 100})
  void chunkedLogProbsEqualTheFullLogitsOnesInValueEntropyAndGradient(int chunk) {
    try (NDManager m = NDManager.newBaseManager()) {
      Inputs in = inputs(m);
      float[] expected;
      double expectedEntropy;
      float[] expectedGradient;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray full = logits(in.hidden(), in.head()).add(in.bias());
        NDArray logp = TokenLogProbs.of(full, in.targets(), TEMPERATURE);
        expected = logp.toFloatArray();
        expectedEntropy = TokenLogProbs.meanEntropy(full, in.mask(), TEMPERATURE);
        collector.backward(logp.mul(in.mask()).sum());
        expectedGradient = in.head().getGradient().toFloatArray();
      }
      in.head().getGradient().subi(in.head().getGradient()); // zero it for the second pass
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        TokenLogProbs.WithEntropy chunked =
            TokenLogProbs.fromHidden(
                in.hidden(),
                h -> logits(h, in.head()),
                in.targets(),
                in.bias(),
                TEMPERATURE,
                in.mask(),
                chunk);
        assertThat(chunked.logProbs().getShape()).isEqualTo(new Shape(B, T));
        assertThat(chunked.logProbs().toFloatArray()).containsExactly(expected, within(1e-5f));
        assertThat(chunked.meanEntropy()).hasValueCloseTo(expectedEntropy, within(1e-5));
        collector.backward(chunked.logProbs().mul(in.mask()).sum());
        assertThat(in.head().getGradient().toFloatArray())
            .containsExactly(expectedGradient, within(1e-4f));
      }
    }
  }

  @Test
  void withoutAnEntropyMaskNoEntropyIsComputed() {
    try (NDManager m = NDManager.newBaseManager()) {
      Inputs in = inputs(m);
      TokenLogProbs.WithEntropy chunked =
          TokenLogProbs.fromHidden(
              in.hidden(), h -> logits(h, in.head()), V, in.targets(), null, 1.0, null);
      assertThat(chunked.meanEntropy()).isEmpty();
      assertThat(chunked.logProbs().toFloatArray())
          .containsExactly(
              TokenLogProbs.of(logits(in.hidden(), in.head()), in.targets(), 1.0).toFloatArray(),
              within(1e-5f));
    }
  }
}
