package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.FinishReason;
import io.tributary.messages.ScoredRollout;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group assembler as a Flink keyed function, in Flink's operator harness: keyed state, timers
 * and the dead-letter side output, with processing time moved by hand.
 */
class GroupAssemblyFunctionTest {
  static final long TIMEOUT = 500;
  static final int G = 3;
  static final InputOrigin ORIGIN = InputOrigin.topic("prompts", 1, 7);

  KeyedOneInputStreamOperatorTestHarness<String, ScoredMember, ScoredRollout> harness;

  @BeforeEach
  void openHarness() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new GroupAssemblyFunction(TIMEOUT, RolloutJob.DEAD_LETTERS),
            member -> member.rollout().groupId(),
            Types.STRING);
    harness.setProcessingTime(0);
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  static ScoredMember member(String group, int index, double reward) {
    ScoredRollout rollout =
        new ScoredRollout(
            ScoredRollout.SCHEMA_VERSION,
            group + "/" + index,
            "p",
            group,
            index,
            G,
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
    return new ScoredMember(ORIGIN, rollout);
  }

  void arrive(ScoredMember member) throws Exception {
    harness.processElement(member, 0);
  }

  List<DeadLetter> deadLetters() {
    var records = harness.getSideOutput(RolloutJob.DEAD_LETTERS);
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void aCompleteGroupIsEmittedWithAdvantagesAndLeavesNoStateOrTimerBehind() throws Exception {
    arrive(member("g", 2, 0));
    arrive(member("g", 0, 1));
    assertThat(harness.extractOutputValues()).as("nothing before the group is complete").isEmpty();

    arrive(member("g", 1, 1));

    List<ScoredRollout> out = harness.extractOutputValues();
    assertThat(out).extracting(ScoredRollout::sampleIndex).containsExactly(0, 1, 2);
    assertThat(out).allSatisfy(r -> assertThat(r.advantage()).isNotNaN());
    assertThat(out.get(0).advantage()).isPositive();
    assertThat(out.get(2).advantage()).isNegative();
    assertThat(out.stream().mapToDouble(ScoredRollout::advantage).sum()).isCloseTo(0, within(1e-9));
    assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    assertThat(harness.numProcessingTimeTimers()).as("pending timers").isZero();

    harness.setProcessingTime(10 * TIMEOUT);
    assertThat(deadLetters()).as("a completed group never times out").isEmpty();
  }

  @Test
  void anIncompleteGroupGoesToTheDeadLettersWhenItsTimeoutFiresNamingWhatArrived()
      throws Exception {
    arrive(member("g", 0, 1));
    harness.setProcessingTime(100);
    arrive(member("g", 2, 0));
    arrive(member("other", 0, 1));

    harness.setProcessingTime(TIMEOUT - 1);
    assertThat(deadLetters()).as("before the timeout").isEmpty();

    harness.setProcessingTime(TIMEOUT);
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.reason()).contains("group g: 2 of 3 members after 500 ms");
              assertThat(letter.payload()).contains("\"receivedSampleIndices\":[0,2]");
              assertThat(letter.source()).isEqualTo("prompts");
              assertThat(letter.partition()).isEqualTo(1);
              assertThat(letter.position()).isEqualTo(7);
            });
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aMemberArrivingAfterItsGroupTimedOutIsDeadLetteredAtOnceAsLate() throws Exception {
    arrive(member("g", 0, 1));
    arrive(member("g", 1, 0));
    harness.setProcessingTime(TIMEOUT);

    arrive(member("g", 2, 1));

    assertThat(deadLetters()).hasSize(2);
    assertThat(deadLetters().get(1).reason())
        .contains("group g: member 2 of 3 arrived after its group had timed out");
    assertThat(deadLetters().get(1).payload()).contains("\"rolloutId\":\"g/2\"");
    assertThat(harness.extractOutputValues()).as("a late member never completes a group").isEmpty();
  }

  @Test
  void aTimedOutGroupKeepsOnlyAMarkerAndThatIsClearedOneTimeoutLater() throws Exception {
    arrive(member("g", 0, 1));
    harness.setProcessingTime(TIMEOUT);
    assertThat(harness.numKeyedStateEntries()).as("the timed-out marker").isOne();
    assertThat(harness.numProcessingTimeTimers()).as("the marker's timer").isOne();

    harness.setProcessingTime(2 * TIMEOUT);

    assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    assertThat(harness.numProcessingTimeTimers()).as("pending timers").isZero();
    assertThat(deadLetters()).as("the marker's expiry sends nothing").hasSize(1);
  }
}
