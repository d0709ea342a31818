package io.tributary.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the learner must know to resume exactly, stored in each checkpoint's metadata: the Kafka
 * position to read from per partition, and the rollouts at or past those positions that were
 * already trained on (groups interleave in a partition, so a position can lie below a trained
 * rollout). The checkpoint, not the consumer group's committed offsets, is the source of truth:
 * both are written after every update, and a crash between them is resolved by the checkpoint.
 */
record LearnerState(
    Map<Integer, Long> positions,
    Map<String, List<Long>> trainedAhead,
    Map<String, Long> counters) {

  static final String POSITIONS = "learner.positions";
  static final String TRAINED_AHEAD = "learner.trainedAhead";
  static final String COUNTERS = "learner.counters";

  static LearnerState empty() {
    return new LearnerState(new HashMap<>(), new HashMap<>(), new LinkedHashMap<>());
  }

  Map<String, String> toMetadata() {
    return Map.of(
        POSITIONS, Json.write(positions),
        TRAINED_AHEAD, Json.write(trainedAhead),
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
      Map<String, Long> counters =
          Json.mapper()
              .readValue(
                  metadata.getOrDefault(COUNTERS, "{}"),
                  new TypeReference<LinkedHashMap<String, Long>>() {});
      return new LearnerState(new HashMap<>(positions), new HashMap<>(ahead), counters);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "checkpoint metadata: corrupt learner state: " + e.getMessage(), e);
    }
  }
}
