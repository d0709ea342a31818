package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BenchRateTest {
  @Test
  void steadyStateWindowLeavesOutTheRampAndTheTail() {
    // 100 rollouts of 10 tokens: a slow start (one per 100 ms), 80 at one per 10 ms, a slow tail
    long[] ends = new long[100];
    int[] tokens = new int[100];
    long t = 0;
    for (int i = 0; i < 100; i++) {
      t += (i < 10 || i >= 90) ? 100 : 10;
      ends[99 - i] = t; // order of arrival must not matter
      tokens[i] = 10;
    }

    BenchRate rate = BenchRate.of(ends, tokens, 0, 0);

    // window from the 11th completion to the 90th: 79 rollouts over 79 steps of 10 ms
    assertThat(rate.rollouts()).isEqualTo(79);
    assertThat(rate.rolloutsPerSecond()).isCloseTo(100.0, within(1e-9));
    assertThat(rate.tokensPerSecond()).isCloseTo(1000.0, within(1e-9));
    assertThat(rate.wholeRunRate()).isCloseTo(100 / 2.8, within(1e-9));
    assertThat(rate.allTokens()).isEqualTo(1000);
  }

  @Test
  void refusesTooFewRolloutsForAWindow() {
    assertThatThrownBy(() -> BenchRate.of(new long[9], new int[9], 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 10 rollouts, got 9");
  }
}
