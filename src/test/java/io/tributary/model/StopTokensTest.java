package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Stop tokens and blocked tokens: a model without a BOS (Qwen) has its EOS stand in for one, and
 * blocking that stand-in must not take away the model's way to end a completion.
 */
class StopTokensTest {
  private static SamplingParams params(int[] stops, int[] blocked) {
    return new SamplingParams(1.0, 1.0, 0, 8, stops, 0, blocked, true);
  }

  @Test
  void aStopTokenIsNeverBlockedEvenWhenItAlsoStandsInForBosOrPad() {
    SamplingParams p = params(new int[] {149}, new int[] {147, 149});
    assertThat(p.blockedTokens()).containsExactly(147);
    float[] mask = p.logitMask(160);
    assertThat(mask[149]).isZero();
    assertThat(mask[147]).isNegative();
  }

  @Test
  void generationConfigStopTokensAreAddedAndUnblockedWithoutChangingTheSampling() {
    GenerationDefaults qwen =
        new GenerationDefaults(
            List.of(149, 147), OptionalDouble.of(0.6), OptionalDouble.of(0.95), OptionalInt.of(20));
    SamplingParams p = qwen.withStopTokens(params(new int[] {149}, new int[] {147, 149}));
    assertThat(p.stopTokens()).containsExactly(149, 147);
    assertThat(p.blockedTokens()).isEmpty();
    // the run's temperature stays: the learner divides its logits by the same one
    assertThat(p.temperature()).isEqualTo(1.0);
    assertThat(p.topP()).isEqualTo(1.0);
    assertThat(p.topK()).isZero();
  }
}
