package io.tributary.learner;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the learner must know to resume exactly, stored in each checkpoint's metadata: the Kafka
 * position to read from per partition, the rollouts at or past those positions that were already
 * trained on (groups interleave in a partition, so a position can lie below a trained rollout), and
 * the records at or past them already dead-lettered ([partition, offset] pairs), so that a resumed
 * learner neither trains twice nor writes a dead letter twice. The checkpoint, not the consumer
 * group's committed offsets, is the source of truth: both are written after every update, and a
 * crash between them is resolved by the checkpoint.
 */
record LearnerState(
    Map<Integer, Long> positions,
    Map<String, List<Long>> trainedAhead,
    Set<List<Long>> deadLetteredAhead,
    Map<String, Long> counters) {

  static final String POSITIONS = "learner.positions";
  static final String TRAINED_AHEAD = "learner.trainedAhead";
  static final String DEAD_LETTERED_AHEAD = "learner.deadLetteredAhead";
  static final String COUNTERS = "learner.counters";

  /** Adds {@code n} to the counter {@code name} (counters are kept across restarts). */
  void count(String name, long n) {
    counters.merge(name, n, Long::sum);
  }

  long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }

  static LearnerState empty() {
    return new LearnerState(
        new HashMap<>(), new HashMap<>(), new HashSet<>(), new LinkedHashMap<>());
  }

  Map<String, String> toMetadata() {
    return Map.of(
        POSITIONS, Json.write(positions),
        TRAINED_AHEAD, Json.write(trainedAhead),
        DEAD_LETTERED_AHEAD, Json.write(deadLetteredAhead),
        COUNTERS, Json.write(counters));
  }

  static LearnerState fromMetadata(Map<String, String> metadata) {
    if (metadata == null || !metadata.containsKey(POSITIONS)) {
      return empty();
    }
    try {
      Map<Integer, Long> positions =
          Json.mapper()
              .readValue(metadata.get(POSITIONS), new TypeReference<Map<Integer, Long>>() {});
      // rollout id -> [partition, offset]
      Map<String, List<Long>> ahead =
          Json.mapper()
              .readValue(
                  metadata.getOrDefault(TRAINED_AHEAD, "{}"),
                  new TypeReference<Map<String, List<Long>>>() {});
      // [partition, offset] pairs; absent in checkpoints written before the learner had them
      Set<List<Long>> deadAhead =
          Json.mapper()
              .readValue(
                  metadata.getOrDefault(DEAD_LETTERED_AHEAD, "[]"),
                  new TypeReference<Set<List<Long>>>() {});
      Map<String, Long> counters =
          Json.mapper()
              .readValue(
                  metadata.getOrDefault(COUNTERS, "{}"),
                  new TypeReference<LinkedHashMap<String, Long>>() {});
      return new LearnerState(
          new HashMap<>(positions), new HashMap<>(ahead), new HashSet<>(deadAhead), counters);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "checkpoint metadata: corrupt learner state: " + e.getMessage(), e);
    }
  }
}
