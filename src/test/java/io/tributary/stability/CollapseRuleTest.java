package io.tributary.stability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.stability.CollapseRule.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollapseRuleTest {
  private final CollapseRule halfOrEntropyTenth = new CollapseRule(0.5, 0.1);

  private static List<Point> series(double... values) {
    return java.util.stream.IntStream.range(0, values.length)
        .mapToObj(i -> new Point(10L * i, values[i]))
        .toList();
  }

  @Test
  void aRunThatKeepsAboveHalfItsStartAndAboveTheEntropyFloorDidNotCollapse() {
    assertThat(halfOrEntropyTenth.detect(series(0.30, 0.20, 0.16, 0.40), series(0.8, 0.5, 0.11)))
        .isEmpty();
  }

  @Test
  void heldOutPassAt1BelowHalfTheStartIsACollapseAtTheFirstSuchEvaluation() {
    var collapse = halfOrEntropyTenth.detect(series(0.30, 0.20, 0.14, 0.05), series(0.8, 0.7));

    assertThat(collapse).isPresent();
    assertThat(collapse.get().version()).isEqualTo(20);
    assertThat(collapse.get().reason()).contains("pass@1");
  }

  @Test
  void exactlyHalfTheStartIsNotYetACollapse() {
    assertThat(halfOrEntropyTenth.detect(series(0.40, 0.20), List.of())).isEmpty();
  }

  @Test
  void entropyBelowTheFloorIsACollapseEvenWhileAccuracyHolds() {
    var collapse =
        halfOrEntropyTenth.detect(
            series(0.30, 0.35), List.of(new Point(1, 0.9), new Point(2, 0.4), new Point(7, 0.02)));

    assertThat(collapse).isPresent();
    assertThat(collapse.get().version()).isEqualTo(7);
    assertThat(collapse.get().reason()).contains("entropy");
  }

  @Test
  void theEarlierOfTheTwoSignsIsReported() {
    var collapse =
        halfOrEntropyTenth.detect(
            series(0.30, 0.30, 0.01), List.of(new Point(5, 0.05), new Point(20, 0.01)));

    assertThat(collapse.get().version()).isEqualTo(5);
  }

  @Test
  void theStartingEvaluationAloneCannotCollapseAndAStartAtZeroCannotFall() {
    assertThat(halfOrEntropyTenth.detect(series(0.30), List.of())).isEmpty();
    assertThat(halfOrEntropyTenth.detect(series(0.0, 0.0, 0.0), List.of())).isEmpty();
    assertThat(halfOrEntropyTenth.detect(List.of(), List.of())).isEmpty();
  }

  @Test
  void aFractionOutsideZeroToOneIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> new CollapseRule(1.5, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("collapse.passDropFraction");
    assertThatThrownBy(() -> new CollapseRule(null, -1.0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("collapse.entropyFloor");
  }
}
