package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tributary.config.Yaml;
import io.tributary.messages.MessageFixtures;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.FinishReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Advantages#forGroup}: the advantages a consumer of the scored-groups topic gets for a
 * group record are the learner's, from the learner's scaling and overlong penalty, in sample order.
 */
class GroupRecordAdvantagesTest {
  /** A group of three with these totals and completion lengths, drawn with a budget of 10. */
  static ScoredGroup group(double[] totals, int[] lengths) {
    List<ScoredGroup.Member> members = new ArrayList<>();
    for (int i = 0; i < totals.length; i++) {
      members.add(
          new ScoredGroup.Member(
              "x".repeat(lengths[i]),
              new int[lengths[i]],
              new float[lengths[i]],
              FinishReason.STOP,
              0,
              Map.of("accuracy", totals[i]),
              Map.of(),
              totals[i]));
    }
    ScoredGroup g = MessageFixtures.withMembers("g@l1", "g", members);
    return new ScoredGroup(
        g.schemaVersion(),
        g.groupId(),
        g.promptId(),
        g.task(),
        g.prompt(),
        g.promptTokenIds(),
        g.answer(),
        g.fields(),
        g.sampling().withMaxNewTokens(10),
        g.members(),
        g.createdAtMillis(),
        g.scoredAtMillis());
  }

  static GrpoConfig grpo(String yaml) {
    return Yaml.read(yaml, GrpoConfig.class, "grpo");
  }

  @Test
  void aGroupRecordGetsGroupNormalisedAdvantagesInSampleOrder() {
    double[] a =
        Advantages.forGroup(
            group(new double[] {1, 1, 0}, new int[] {2, 2, 2}), GrpoConfig.defaults());

    // rewards (1, 1, 0): mean 2/3, sample std sqrt(1/3); (r - mean) / (std + 1e-4)
    double std = Math.sqrt(1.0 / 3) + 1e-4;
    assertThat(a[0]).isCloseTo((1 - 2.0 / 3) / std, within(1e-12));
    assertThat(a[2]).isCloseTo((0 - 2.0 / 3) / std, within(1e-12));
    assertThat(Arrays.stream(a).sum()).isCloseTo(0, within(1e-12));
  }

  @Test
  void equalRewardsGiveZeroAdvantages() {
    assertThat(
            Advantages.forGroup(
                group(new double[] {1, 1, 1}, new int[] {2, 3, 4}), GrpoConfig.defaults()))
        .containsOnly(0.0);
  }

  @Test
  void theLearnersScalingAndOverlongPenaltyApply() {
    ScoredGroup g = group(new double[] {1, 1, 0}, new int[] {2, 10, 2});

    double[] unscaled = Advantages.forGroup(g, grpo("advantageScaling: none\n"));
    double[] penalised =
        Advantages.forGroup(
            g, grpo("advantageScaling: none\nsampling: {maxNewTokens: 10}\noverlongBuffer: 4\n"));

    assertThat(unscaled).containsExactly(1 - 2.0 / 3, 1 - 2.0 / 3, -2.0 / 3);
    // member 1 ran to the budget: DAPO's penalty of -1 makes its reward 0, like member 2's
    assertThat(penalised[0]).isCloseTo(1 - 1.0 / 3, within(1e-12));
    assertThat(penalised[1]).isCloseTo(-1.0 / 3, within(1e-12));
  }

  @Test
  void aGroupWithAnUnscoredMemberHasNoAdvantages() {
    double[] a =
        Advantages.forGroup(MessageFixtures.groupWithFailedReward(), GrpoConfig.defaults());

    assertThat(Arrays.stream(a).allMatch(Double::isNaN)).isTrue();
  }
}
