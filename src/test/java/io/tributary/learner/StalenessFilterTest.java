package io.tributary.learner;

import static io.tributary.messages.MessageFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.ScoredGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

class StalenessFilterTest {
  private static final ScoredGroup FRESH = group("fresh@p0o0", "fresh", 10);
  private static final ScoredGroup AT_THE_BOUND = group("bound@p0o1", "bound", 8);
  private static final ScoredGroup THREE_BEYOND = group("old@p0o2", "old", 5);

  private static LearnerConfig config(StalenessPolicy policy) {
    return new LearnerConfig(null, 2, policy, 0.5, null, null, null);
  }

  @Test
  void dropsGroupsSampledMoreThanTheBoundBehindAndCountsTheirRollouts() {
    var outcome =
        new StalenessFilter(config(StalenessPolicy.DROP))
            .filter(List.of(FRESH, AT_THE_BOUND, THREE_BEYOND), 10);

    assertThat(outcome.kept())
        .extracting(StalenessFilter.Kept::group)
        .containsExactly(FRESH, AT_THE_BOUND);
    assertThat(outcome.kept()).extracting(StalenessFilter.Kept::weight).containsOnly(1.0);
    assertThat(outcome.staleRollouts()).isEqualTo(4);
    assertThat(outcome.droppedRollouts()).isEqualTo(4);
  }

  @Test
  void downweightsAStaleGroupByTheFactorPerVersionBeyondTheBound() {
    var outcome =
        new StalenessFilter(config(StalenessPolicy.DOWNWEIGHT))
            .filter(List.of(FRESH, THREE_BEYOND), 10);

    assertThat(outcome.kept())
        .containsExactly(
            new StalenessFilter.Kept(FRESH, 1.0), new StalenessFilter.Kept(THREE_BEYOND, 0.125));
    assertThat(outcome.staleRollouts()).isEqualTo(4);
    assertThat(outcome.droppedRollouts()).isZero();
  }
}
