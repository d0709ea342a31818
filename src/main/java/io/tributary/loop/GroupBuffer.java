package io.tributary.loop;

import io.tributary.messages.ScoredRollout;
import io.tributary.reward.RolloutScores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scored rollouts in, complete groups out. Remembers where in Kafka each held rollout came from, so
 * the learner never commits past a rollout it has not trained on yet. A rollout id seen twice (a
 * redelivery) is held once. A group that cannot complete comes out as {@link Failed}, so that it
 * neither holds back the committed offset nor a prompt slot: its members disagree on the group
 * size, two members share a sample index, or it is still incomplete a timeout after its first
 * member arrived. A member arriving after its group came out (complete or failed) fails on its own.
 * A group whose members all arrived but one of them has no total (a reward function failed on it)
 * comes out as {@link Unscored}: it has no advantages, so it is dead-lettered like a failed group
 * and never trained. The rollout job sends such groups to the dead letters itself; this guards
 * against any other producer of the topic.
 */
final class GroupBuffer {
  /** One rollout and its Kafka position. */
  record Held(ScoredRollout rollout, int partition, long offset) {}

  /** What adding a member did to its group. */
  sealed interface Outcome permits Waiting, Complete, Failed, Unscored {}

  /** The group is still incomplete (or the member was a redelivery). */
  record Waiting() implements Outcome {}

  /** The G members, in sample order. */
  record Complete(List<Held> members) implements Outcome {}

  /** The members the group had when it was given up, and why (names the group and k of G). */
  record Failed(List<Held> members, String reason) implements Outcome {}

  /**
   * All G members, in sample order, of a group in which some member has no total, and why (names
   * the group, the member, the reward function and its error).
   */
  record Unscored(List<Held> members, String reason) implements Outcome {}

  private static final Waiting WAITING = new Waiting();
  // group ids that came out, to tell a late member why; bounded, as a long run sees many groups
  private static final int REMEMBERED = 10_000;

  private static final class Open {
    final long firstArrivalMillis;
    final Map<String, Held> members = new LinkedHashMap<>();

    Open(long firstArrivalMillis) {
      this.firstArrivalMillis = firstArrivalMillis;
    }
  }

  private final Map<String, Open> open = new LinkedHashMap<>();
  private final Map<String, String> closed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED;
        }
      };

  /**
   * Adds {@code held}, arrived at {@code nowMillis}; says whether its group completed or failed.
   */
  Outcome add(Held held, long nowMillis) {
    ScoredRollout r = held.rollout();
    String id = r.groupId();
    String earlier = closed.get(id);
    if (earlier != null) {
      return new Failed(
          List.of(held),
          "group " + id + ": sample " + r.sampleIndex() + " arrived after the group " + earlier);
    }
    Open group = open.computeIfAbsent(id, k -> new Open(nowMillis));
    if (group.members.containsKey(r.rolloutId())) {
      return WAITING;
    }
    String conflict = conflict(group, r);
    group.members.put(r.rolloutId(), held);
    if (conflict != null) {
      return fail(id, conflict);
    }
    if (group.members.size() < r.groupSize()) {
      return WAITING;
    }
    open.remove(id);
    List<Held> members = new ArrayList<>(group.members.values());
    members.sort((a, b) -> Integer.compare(a.rollout().sampleIndex(), b.rollout().sampleIndex()));
    String unscored = unscored(members);
    if (unscored != null) {
      closed.put(id, "was dead-lettered (not scored)");
      return new Unscored(
          members,
          "group "
              + id
              + ": not scored, "
              + unscored
              + "; a member without a total has no advantage, so the group is not trained");
    }
    closed.put(id, "was complete");
    return new Complete(members);
  }

  /** The members without a total and why, or null when every member has one. */
  private static String unscored(List<Held> members) {
    StringBuilder why = new StringBuilder();
    for (Held h : members) {
      ScoredRollout r = h.rollout();
      String reason;
      if (!r.rewardErrors().isEmpty()) {
        reason = RolloutScores.describeErrors(r.rewardErrors());
      } else if (!Double.isFinite(r.totalReward())) {
        reason = "no total reward";
      } else {
        continue;
      }
      why.append(why.isEmpty() ? "" : "; ")
          .append("member ")
          .append(r.sampleIndex())
          .append(": ")
          .append(reason);
    }
    return why.isEmpty() ? null : why.toString();
  }

  /** Gives up the groups whose first member arrived {@code timeoutMillis} or more ago. */
  List<Failed> expire(long nowMillis, long timeoutMillis) {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Open> e : open.entrySet()) {
      if (nowMillis - e.getValue().firstArrivalMillis >= timeoutMillis) {
        expired.add(e.getKey());
      }
    }
    List<Failed> failed = new ArrayList<>();
    for (String id : expired) {
      failed.add(
          fail(
              id,
              "still incomplete "
                  + timeoutMillis
                  + " ms after its first member (learner.groupTimeoutMs)"));
    }
    return failed;
  }

  int openGroups() {
    return open.size();
  }

  /** Lowest offset held per partition, over open groups. */
  Map<Integer, Long> lowestOffsets() {
    Map<Integer, Long> lowest = new HashMap<>();
    for (Open group : open.values()) {
      for (Held h : group.members.values()) {
        lowest.merge(h.partition(), h.offset(), Math::min);
      }
    }
    return lowest;
  }

  /** Why {@code r} cannot join {@code group}, or null when it can. */
  private static String conflict(Open group, ScoredRollout r) {
    for (Held held : group.members.values()) {
      ScoredRollout other = held.rollout();
      if (other.groupSize() != r.groupSize()) {
        return "members disagree on the group size (rollout "
            + other.rolloutId()
            + " says "
            + other.groupSize()
            + ", rollout "
            + r.rolloutId()
            + " says "
            + r.groupSize()
            + ")";
      }
      if (other.sampleIndex() == r.sampleIndex()) {
        return "sample index "
            + r.sampleIndex()
            + " twice (rollouts "
            + other.rolloutId()
            + " and "
            + r.rolloutId()
            + ")";
      }
    }
    return null;
  }

  private Failed fail(String id, String why) {
    Open group = open.remove(id);
    List<Held> members = new ArrayList<>(group.members.values());
    int groupSize = members.get(0).rollout().groupSize();
    String reason =
        "group "
            + id
            + ": "
            + why
            + "; "
            + members.size()
            + " of "
            + groupSize
            + " members arrived, and training needs the whole group";
    closed.put(id, "was dead-lettered (" + why + ")");
    return new Failed(members, reason);
  }
}
