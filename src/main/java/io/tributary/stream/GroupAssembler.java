package io.tributary.stream;

import io.tributary.grpo.AdvantageScaling;
import io.tributary.grpo.Advantages;
import io.tributary.json.Json;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.ScoredRollout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last step of the job, as pure functions over the members of one group: whether the group is
 * complete (all G sample indices present), the members with their group advantages (DeepSeekMath
 * §4.1.2, via {@link Advantages}) once it is, and the dead letters of a group that timed out
 * incomplete and of a member that arrived after that. The Flink function keeps the members in keyed
 * state and calls these.
 */
public final class GroupAssembler {
  private GroupAssembler() {}

  /** True when the members hold every sample index of their group exactly once. */
  public static boolean isComplete(List<ScoredRollout> members) {
    if (members.isEmpty()) {
      return false;
    }
    int groupSize = members.get(0).groupSize();
    return distinctIndices(members).size() == groupSize;
  }

  /**
   * The G members in sample order with their advantages and {@code scoredAtMillis} set. A member
   * delivered twice (a replay upstream) counts once.
   */
  public static List<ScoredRollout> complete(List<ScoredRollout> members, long nowMillis) {
    if (!isComplete(members)) {
      throw new IllegalArgumentException(
          "group "
              + (members.isEmpty() ? "?" : members.get(0).groupId())
              + ": has sample indices "
              + distinctIndices(members).keySet()
              + ", expected all of [0, groupSize)");
    }
    List<ScoredRollout> ordered = new ArrayList<>(distinctIndices(members).values());
    ordered.sort(Comparator.comparingInt(ScoredRollout::sampleIndex));
    double[] rewards = new double[ordered.size()];
    for (int i = 0; i < rewards.length; i++) {
      rewards[i] = ordered.get(i).totalReward();
    }
    double[] advantages =
        Advantages.compute(rewards, rewards.length, AdvantageScaling.GROUP).advantages();
    List<ScoredRollout> out = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      out.add(withAdvantage(ordered.get(i), advantages[i], nowMillis));
    }
    return out;
  }

  /** The dead letter of a group still incomplete after {@code timeoutMillis}. */
  public static DeadLetter timedOut(
      InputOrigin origin, List<ScoredRollout> members, long timeoutMillis, long nowMillis) {
    ScoredRollout first = members.get(0);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("groupId", first.groupId());
    payload.put("promptId", first.promptId());
    payload.put("prompt", first.prompt());
    payload.put("receivedSampleIndices", distinctIndices(members).keySet());
    payload.put("groupSize", first.groupSize());
    String reason =
        "group "
            + first.groupId()
            + ": "
            + distinctIndices(members).size()
            + " of "
            + first.groupSize()
            + " members after "
            + timeoutMillis
            + " ms (group timeout); advantages need the whole group";
    return origin.deadLetter(Json.write(payload), reason, nowMillis);
  }

  /**
   * The dead letter of a member that arrived after its group had timed out: its group went to the
   * dead letters without it, so it can never be part of a complete group.
   */
  public static DeadLetter lateMember(
      InputOrigin origin, ScoredRollout member, long timeoutMillis, long nowMillis) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("groupId", member.groupId());
    payload.put("promptId", member.promptId());
    payload.put("prompt", member.prompt());
    payload.put("rolloutId", member.rolloutId());
    payload.put("sampleIndex", member.sampleIndex());
    payload.put("groupSize", member.groupSize());
    String reason =
        "group "
            + member.groupId()
            + ": member "
            + member.sampleIndex()
            + " of "
            + member.groupSize()
            + " arrived after its group had timed out incomplete ("
            + timeoutMillis
            + " ms group timeout) and gone to the dead letters; advantages need the whole group";
    return origin.deadLetter(Json.write(payload), reason, nowMillis);
  }

  private static Map<Integer, ScoredRollout> distinctIndices(List<ScoredRollout> members) {
    Map<Integer, ScoredRollout> byIndex = new java.util.TreeMap<>();
    for (ScoredRollout m : members) {
      byIndex.putIfAbsent(m.sampleIndex(), m);
    }
    return byIndex;
  }

  private static ScoredRollout withAdvantage(ScoredRollout r, double advantage, long now) {
    return new ScoredRollout(
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
        r.rewards(),
        r.rewardErrors(),
        r.totalReward(),
        advantage,
        r.task(),
        r.answer(),
        r.fields(),
        r.createdAtMillis(),
        now);
  }
}
