package io.tributary.learner;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tributary.checkpoint.WeightsDigest;
import io.tributary.json.Json;
import io.tributary.model.PolicyModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code trained-groups.jsonl}: per policy version, exactly which scored groups (topic, partition,
 * offset, group id, staleness weight) the learner trained into it, in order, and what else a replay
 * needs to retrain it bit for bit: the version before the update, the training step, the position
 * of the update in its trainer's life (a resumed learner starts a fresh trainer: new AdamW moments,
 * the shuffle re-seeded), the thread count and seed, and the SHA-256 of the weights it produced.
 *
 * <p>A line is appended and forced to disk just before its version's checkpoint is written, and
 * {@link #open} drops every line past the newest saved version: a kill between the two leaves no
 * record without its version, and the resumed learner writes the record of the version it retrains.
 */
public final class TrainedGroupsLog {
  public static final String FILE = "trained-groups.jsonl";

  /** One group trained into a version, where it sits on the scored topic. */
  public record TrainedGroup(
      String topic, int partition, long offset, String groupId, double weight) {}

  /** One version's record. */
  public record TrainedVersion(
      long version,
      @JsonProperty("previous_version") long previousVersion,
      long step,
      @JsonProperty("trainer_update") long trainerUpdate,
      int threads,
      long seed,
      @JsonProperty("update_seconds") double updateSeconds,
      @JsonProperty("weights_sha256") String weightsSha256,
      List<TrainedGroup> groups) {}

  private final Path file;
  private final PolicyModel policy;
  private final int threads;
  private final long seed;
  private long trainerUpdates;

  private TrainedGroupsLog(Path file, PolicyModel policy, int threads, long seed) {
    this.file = file;
    this.policy = policy;
    this.threads = threads;
    this.seed = seed;
  }

  /**
   * The log of {@code runDir} for a learner (with a fresh trainer) that resumes at {@code
   * savedVersion}: records past it, of versions a killed learner never saved, are dropped.
   */
  public static TrainedGroupsLog open(
      Path runDir, long savedVersion, PolicyModel policy, int threads, long seed) {
    Path file = runDir.resolve(FILE);
    List<TrainedVersion> kept =
        read(file).stream().filter(r -> r.version() <= savedVersion).toList();
    if (Files.exists(file)) {
      try {
        // rewritten whole or not at all, so a kill now cannot lose the kept records
        Path temp = Files.createTempFile(runDir, "." + FILE + ".", ".tmp");
        StringBuilder text = new StringBuilder();
        kept.forEach(r -> text.append(Json.write(r)).append('\n'));
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot rewrite: " + e, e);
      }
    }
    return new TrainedGroupsLog(file, policy, threads, seed);
  }

  /** Appends version {@code version}'s record, durably, before its checkpoint is written. */
  public synchronized void record(
      long version, long step, double updateSeconds, List<TrainedGroup> groups) {
    TrainedVersion line =
        new TrainedVersion(
            version,
            version - 1,
            step,
            trainerUpdates++,
            threads,
            seed,
            updateSeconds,
            weightsSha256(policy),
            List.copyOf(groups));
    try (FileChannel out =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      out.write(ByteBuffer.wrap((Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot append: " + e, e);
    }
  }

  /**
   * The records of a run directory by version; a later line for a version replaces an earlier one,
   * and a line torn by a kill is skipped. A line that is whole but not a record is an error naming
   * the file and line.
   */
  public static List<TrainedVersion> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e, e);
    }
    Map<Long, TrainedVersion> byVersion = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        TrainedVersion r = Json.mapper().readValue(line, TrainedVersion.class);
        byVersion.put(r.version(), r);
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          continue; // cut by a kill mid-append: that version was never saved
        }
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": not a trained-version record: " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(byVersion.values());
  }

  /**
   * The hash of every weight ({@link WeightsDigest}): one pass over the weights per version, the
   * price of checking a replay without the run's checkpoints.
   */
  public static String weightsSha256(PolicyModel policy) {
    return WeightsDigest.sha256(policy);
  }
}
