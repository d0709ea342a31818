package io.tributary.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.FinishReason;
import io.tributary.messages.ScoredRollout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupBufferTest {
  static final long TIMEOUT = 1000;

  private long offset;

  GroupBuffer.Held member(String group, int index, int groupSize) {
    return member(group + "/" + index, group, index, groupSize);
  }

  GroupBuffer.Held member(String rolloutId, String group, int index, int groupSize) {
    ScoredRollout r =
        new ScoredRollout(
            ScoredRollout.SCHEMA_VERSION,
            rolloutId,
            "prompt-" + group,
            group,
            index,
            groupSize,
            "1+1=",
            "2",
            new int[] {5},
            new double[] {-0.5},
            FinishReason.STOP,
            0,
            Map.of(),
            Map.of(),
            1.0,
            0.0,
            "arithmetic",
            "2",
            Map.of(),
            0,
            0);
    return new GroupBuffer.Held(r, 0, offset++);
  }

  @Test
  void aGroupCompletesInSampleOrderWhenAllItsMembersArrivedAndARedeliveryIsHeldOnce() {
    GroupBuffer buffer = new GroupBuffer();
    GroupBuffer.Held second = member("g", 1, 2);
    assertThat(buffer.add(second, 0)).isInstanceOf(GroupBuffer.Waiting.class);
    assertThat(buffer.add(second, 0)).isInstanceOf(GroupBuffer.Waiting.class);
    GroupBuffer.Outcome outcome = buffer.add(member("g", 0, 2), 0);
    assertThat(outcome).isInstanceOf(GroupBuffer.Complete.class);
    assertThat(((GroupBuffer.Complete) outcome).members())
        .extracting(h -> h.rollout().sampleIndex())
        .containsExactly(0, 1);
    assertThat(buffer.openGroups()).isZero();
  }

  @Test
  void aSampleIndexTwiceFailsTheGroupAtOnceNamingItAndHowManyArrived() {
    GroupBuffer buffer = new GroupBuffer();
    buffer.add(member("a", "g", 0, 3), 0);
    GroupBuffer.Outcome outcome = buffer.add(member("b", "g", 0, 3), 0);
    assertThat(outcome).isInstanceOf(GroupBuffer.Failed.class);
    GroupBuffer.Failed failed = (GroupBuffer.Failed) outcome;
    assertThat(failed.members()).hasSize(2);
    assertThat(failed.reason()).contains("group g", "sample index 0 twice", "2 of 3 members");
    assertThat(buffer.lowestOffsets()).as("it holds back no offset").isEmpty();
  }

  @Test
  void membersDisagreeingOnTheGroupSizeFailTheGroup() {
    GroupBuffer buffer = new GroupBuffer();
    buffer.add(member("g", 0, 3), 0);
    GroupBuffer.Outcome outcome = buffer.add(member("g", 1, 2), 0);
    assertThat(((GroupBuffer.Failed) outcome).reason())
        .contains("group g", "disagree on the group size", "2 of 3 members");
  }

  @Test
  void aGroupStillIncompleteAtItsTimeoutFailsAndALateMemberFailsOnItsOwn() {
    GroupBuffer buffer = new GroupBuffer();
    buffer.add(member("old", 0, 3), 0);
    buffer.add(member("new", 0, 3), 500);
    assertThat(buffer.expire(TIMEOUT - 1, TIMEOUT)).isEmpty();
    List<GroupBuffer.Failed> expired = buffer.expire(TIMEOUT, TIMEOUT);
    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).reason())
        .contains("group old", "1 of 3 members", "learner.groupTimeoutMs");
    assertThat(buffer.lowestOffsets()).containsExactly(Map.entry(0, 1L)); // the newer group's
    GroupBuffer.Outcome late = buffer.add(member("old", 1, 3), TIMEOUT);
    assertThat(((GroupBuffer.Failed) late).members()).hasSize(1);
    assertThat(((GroupBuffer.Failed) late).reason()).contains("group old", "after the group was");
  }

  /** {@code m} with the given reward errors and total. */
  static GroupBuffer.Held withScores(
      GroupBuffer.Held m, Map<String, String> errors, double totalReward) {
    ScoredRollout r = m.rollout();
    java.util.Map<String, Double> rewards = new java.util.HashMap<>();
    errors.keySet().forEach(name -> rewards.put(name, null));
    return new GroupBuffer.Held(
        new ScoredRollout(
            r.schemaVersion(),
            r.rolloutId(),
            r.promptId(),
            r.groupId(),
            r.sampleIndex(),
            r.groupSize(),
            r.prompt(),
            r.completion(),
            r.completionTokenIds(),
            r.behaviourLogProbs(),
            r.finishReason(),
            r.policyVersion(),
            rewards,
            errors,
            totalReward,
            r.advantage(),
            r.task(),
            r.answer(),
            r.fields(),
            r.createdAtMillis(),
            r.scoredAtMillis()),
        m.partition(),
        m.offset());
  }

  @Test
  void aCompleteGroupWithAMemberARewardFailedOnComesOutUnscoredNamingTheFunction() {
    GroupBuffer buffer = new GroupBuffer();
    buffer.add(member("g", 0, 3), 0);
    buffer.add(
        withScores(member("g", 1, 3), Map.of("judge", "HttpTimeoutException: 30 s"), Double.NaN),
        0);
    GroupBuffer.Outcome outcome = buffer.add(member("g", 2, 3), 0);

    assertThat(outcome).isInstanceOf(GroupBuffer.Unscored.class);
    GroupBuffer.Unscored unscored = (GroupBuffer.Unscored) outcome;
    assertThat(unscored.members())
        .extracting(h -> h.rollout().sampleIndex())
        .containsExactly(0, 1, 2);
    assertThat(unscored.reason())
        .contains("group g: not scored", "member 1: reward 'judge': HttpTimeoutException: 30 s")
        .doesNotContain("member 0", "member 2");
    assertThat(buffer.openGroups()).isZero();
    assertThat(buffer.lowestOffsets()).as("it holds back no offset").isEmpty();
  }

  @Test
  void aMemberWithoutATotalIsUnscoredEvenWithNoErrorNamed() {
    GroupBuffer buffer = new GroupBuffer();
    buffer.add(withScores(member("g", 0, 2), Map.of(), Double.NaN), 0);
    GroupBuffer.Outcome outcome = buffer.add(member("g", 1, 2), 0);

    assertThat(((GroupBuffer.Unscored) outcome).reason()).contains("member 0: no total reward");
  }
}
