package io.tributary.loop;

import io.tributary.messages.ScoredRollout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scored rollouts in, complete groups out. Remembers where in Kafka each held rollout came from, so
 * the learner never commits past a rollout it has not trained on yet. A rollout id seen twice (a
 * redelivery) is held once.
 */
final class GroupBuffer {
  /** One rollout and its Kafka position. */
  record Held(ScoredRollout rollout, int partition, long offset) {}

  private final Map<String, Map<String, Held>> open = new LinkedHashMap<>();

  /** Adds {@code held}; returns its group when that group is now complete, else null. */
  List<Held> add(Held held) {
    ScoredRollout r = held.rollout();
    Map<String, Held> members = open.computeIfAbsent(r.groupId(), k -> new LinkedHashMap<>());
    members.putIfAbsent(r.rolloutId(), held);
    if (members.size() < r.groupSize()) {
      return null;
    }
    open.remove(r.groupId());
    List<Held> group = new ArrayList<>(members.values());
    group.sort((a, b) -> Integer.compare(a.rollout().sampleIndex(), b.rollout().sampleIndex()));
    return group;
  }

  int openGroups() {
    return open.size();
  }

  /** Lowest offset held per partition, over open groups. */
  Map<Integer, Long> lowestOffsets() {
    Map<Integer, Long> lowest = new HashMap<>();
    for (Map<String, Held> members : open.values()) {
      for (Held h : members.values()) {
        lowest.merge(h.partition(), h.offset(), Math::min);
      }
    }
    return lowest;
  }
}
