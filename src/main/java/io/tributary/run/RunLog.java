package io.tributary.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.grpo.Evaluator;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a run appends to, one JSON object a line, which the report and a resumed run read back:
 * {@code metrics.jsonl} (one line per policy version), {@code eval.jsonl} (held-out evaluations)
 * and {@code trained-rollouts.jsonl} (the rollout ids each version trained on, for auditing). Lines
 * of metrics are written after the version's checkpoint (a crash can lose one, never duplicate
 * one); audit lines just before it (a crash can leave one for a version never saved, which the
 * resumed learner's line for that version replaces).
 */
public final class RunLog {
  public static final String METRICS = "metrics.jsonl";
  public static final String EVAL = "eval.jsonl";
  public static final String TRAINED = "trained-rollouts.jsonl";

  private final Path dir;

  public RunLog(Path dir) {
    this.dir = dir;
  }

  /** Appends one update's metrics line and returns it as written. */
  public synchronized Map<String, Object> update(MetricsLine line) {
    Map<String, Object> json = line.toMap();
    append(METRICS, json);
    return json;
  }

  /** Appends a metrics line as it was read back (a resumed run's or a test's). */
  synchronized void update(Map<String, Object> line) {
    append(METRICS, line);
  }

  /** Appends the rollout ids trained into {@code version}, before that version is saved. */
  public synchronized void trained(long version, List<String> rolloutIds) {
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("version", version);
    audit.put("rollout_ids", rolloutIds);
    append(TRAINED, audit);
  }

  public synchronized void evaluation(long version, double elapsedSeconds, Evaluator.Result r) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("version", version);
    line.put("elapsed_s", elapsedSeconds);
    line.put("pass_at_1", r.passAt1());
    line.put("pass_at_k", r.passAtK());
    line.put("k", r.k());
    line.put("greedy", r.greedy());
    line.put("format_rate", r.formatRate());
    line.put("prompts", r.prompts());
    append(EVAL, line);
  }

  /** The lines of one of the files; a torn last line (a crash mid-write) is skipped. */
  public List<Map<String, Object>> read(String name) {
    Path file = dir.resolve(name);
    List<Map<String, Object>> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(Json.mapper().readValue(line, new TypeReference<Map<String, Object>>() {}));
        } catch (IOException e) {
          // only a line cut by a crash is unparsable; the next run appends after it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e, e);
    }
    return out;
  }

  /**
   * Every rollout id the learner trained on, over all runs of this directory, by version. A version
   * written twice was attempted by a learner that crashed before saving it; the later entry (of the
   * learner that did save it) is the one that counts.
   */
  public List<String> trainedRolloutIds() {
    Map<Long, List<String>> byVersion = new java.util.TreeMap<>();
    for (Map<String, Object> line : read(TRAINED)) {
      if (line.get("version") instanceof Number v && line.get("rollout_ids") instanceof List<?> l) {
        byVersion.put(v.longValue(), l.stream().map(String::valueOf).toList());
      }
    }
    List<String> ids = new ArrayList<>();
    byVersion.values().forEach(ids::addAll);
    return ids;
  }

  /** Loop seconds of earlier runs of this directory (the budget counts them too). */
  public double elapsedBefore() {
    double elapsed = 0;
    for (Map<String, Object> line : read(METRICS)) {
      if (line.get("elapsed_s") instanceof Number n) {
        elapsed = Math.max(elapsed, n.doubleValue());
      }
    }
    return elapsed;
  }

  private void append(String name, Map<String, Object> line) {
    Path file = dir.resolve(name);
    try {
      // a line torn by a crash is ended first, so it cannot swallow this one; otherwise no blank
      // lines, which some JSON Lines readers reject
      String prefix = endsTorn(file) ? "\n" : "";
      Files.writeString(
          file,
          prefix + Json.write(line) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot append: " + e, e);
    }
  }

  private static boolean endsTorn(Path file) throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.read(last, channel.size() - 1);
      return last.get(0) != '\n';
    }
  }
}
