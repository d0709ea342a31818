package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.FinishReason;
import io.tributary.messages.ScoredRollout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupAssemblerTest {
  static ScoredRollout member(int index, double reward) {
    return new ScoredRollout(
        ScoredRollout.SCHEMA_VERSION,
        "g/" + index,
        "p",
        "g",
        index,
        3,
        "1+1=",
        "2",
        new int[] {5},
        new double[] {-0.5},
        FinishReason.STOP,
        0,
        Map.of("accuracy", reward),
        Map.of(),
        reward,
        Double.NaN,
        "arithmetic",
        "2",
        Map.of(),
        1,
        1);
  }

  @Test
  void aGroupIsCompleteOnlyWithEverySampleIndex() {
    assertThat(GroupAssembler.isComplete(List.of())).isFalse();
    assertThat(GroupAssembler.isComplete(List.of(member(0, 1), member(2, 0)))).isFalse();
    assertThat(GroupAssembler.isComplete(List.of(member(0, 1), member(0, 1), member(2, 0))))
        .as("a repeated member does not stand in for a missing one")
        .isFalse();
    assertThat(GroupAssembler.isComplete(List.of(member(2, 1), member(0, 1), member(1, 0))))
        .isTrue();
  }

  @Test
  void completeGroupsGetGroupNormalisedAdvantagesInSampleOrder() {
    List<ScoredRollout> out =
        GroupAssembler.complete(List.of(member(2, 0), member(0, 1), member(1, 1)), 50);
    assertThat(out).extracting(ScoredRollout::sampleIndex).containsExactly(0, 1, 2);
    // rewards (1, 1, 0): mean 2/3, sample std sqrt(1/3); (r - mean) / (std + 1e-4)
    double std = Math.sqrt(1.0 / 3) + 1e-4;
    assertThat(out.get(0).advantage()).isCloseTo((1 - 2.0 / 3) / std, within(1e-12));
    assertThat(out.get(2).advantage()).isCloseTo((0 - 2.0 / 3) / std, within(1e-12));
    assertThat(out.stream().mapToDouble(ScoredRollout::advantage).sum())
        .isCloseTo(0, within(1e-12));
    assertThat(out).allSatisfy(r -> assertThat(r.scoredAtMillis()).isEqualTo(50));
  }

  @Test
  void equalRewardsGiveZeroAdvantagesAndAnIncompleteGroupCannotComplete() {
    assertThat(GroupAssembler.complete(List.of(member(0, 1), member(1, 1), member(2, 1)), 1))
        .allSatisfy(r -> assertThat(r.advantage()).isZero());
    assertThatThrownBy(() -> GroupAssembler.complete(List.of(member(0, 1)), 1))
        .hasMessageContaining("group g")
        .hasMessageContaining("[0]");
  }

  @Test
  void aTimedOutGroupBecomesADeadLetterNamingItsInputAndWhatArrived() {
    DeadLetter letter =
        GroupAssembler.timedOut(
            InputOrigin.topic("prompts", 1, 7), List.of(member(0, 1), member(2, 0)), 500, 9);
    assertThat(letter.sourceKind()).isEqualTo(DeadLetter.SourceKind.TOPIC);
    assertThat(letter.partition()).isEqualTo(1);
    assertThat(letter.position()).isEqualTo(7);
    assertThat(letter.reason()).contains("group g: 2 of 3 members after 500 ms");
    assertThat(letter.payload()).contains("\"receivedSampleIndices\":[0,2]");
  }

  @Test
  void aLateMemberBecomesADeadLetterNamingItsGroupAndIndex() {
    DeadLetter letter =
        GroupAssembler.lateMember(InputOrigin.fileLine("prompts.jsonl", 4), member(1, 0), 500, 9);
    assertThat(letter.sourceKind()).isEqualTo(DeadLetter.SourceKind.FILE);
    assertThat(letter.position()).isEqualTo(4);
    assertThat(letter.reason())
        .contains("group g: member 1 of 3 arrived after its group had timed out")
        .contains("500 ms");
    assertThat(letter.payload()).contains("\"rolloutId\":\"g/1\"");
  }
}
