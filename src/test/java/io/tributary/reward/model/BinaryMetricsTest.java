package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryMetricsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // every positive above every negative
        Arguments.of(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new int[] {1, 1, 0, 0}, 1.0, 1.0),
        // every positive below every negative: AUC 0, all wrong at 0.5
        Arguments.of(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new int[] {1, 1, 0, 0}, 0.0, 0.0),
        // all tied: AUC one half, ties count 1/2
        Arguments.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new int[] {1, 0, 1, 0}, 0.5, 0.5),
        // one of four pairs out of order: AUC 3/4; 0.6 for a negative is one error at 0.5
        Arguments.of(new float[] {0.9f, 0.4f, 0.6f, 0.1f}, new int[] {1, 1, 0, 0}, 0.75, 0.5),
        // a positive tied with a negative: 3.5 of 4 pairs
        Arguments.of(new float[] {0.9f, 0.3f, 0.3f, 0.1f}, new int[] {1, 1, 0, 0}, 0.875, 0.75));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aucAndAccuracyMatchTheirDefinitions(
      float[] scores, int[] labels, double auc, double accuracy) {
    BinaryMetrics m = BinaryMetrics.of(scores, labels);
    assertThat(m.auc()).isCloseTo(auc, offset(1e-12));
    assertThat(m.accuracy()).isCloseTo(accuracy, offset(1e-12));
    assertThat(m.positiveRate()).isCloseTo(0.5, offset(1e-12));
  }

  @org.junit.jupiter.api.Test
  void aucIsUndefinedWithOneClass() {
    assertThat(BinaryMetrics.of(new float[] {0.2f, 0.7f}, new int[] {1, 1}).auc()).isNaN();
  }
}
