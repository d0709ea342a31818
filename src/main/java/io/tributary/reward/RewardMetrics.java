package io.tributary.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live per-function counters of a {@link RewardScorer}: how many rollouts each function scored,
 * found not applicable, failed on (exception or invalid result) and timed out on, counted per
 * attempt, and how many of its calls were made again ({@code onError: rescore}). Thread-safe;
 * {@link #snapshot()} gives plain numbers for logs and metric reporters.
 */
public final class RewardMetrics {
  public record Counts(long scored, long notApplicable, long errors, long timeouts) {}

  private static final class Counters {
    final LongAdder scored = new LongAdder();
    final LongAdder notApplicable = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder rescores = new LongAdder();
  }

  private final Map<String, Counters> byName;

  RewardMetrics(List<String> names) {
    Map<String, Counters> map = new LinkedHashMap<>();
    names.forEach(name -> map.put(name, new Counters()));
    this.byName = Collections.unmodifiableMap(map);
  }

  void scored(String name) {
    byName.get(name).scored.increment();
  }

  void notApplicable(String name) {
    byName.get(name).notApplicable.increment();
  }

  void error(String name) {
    byName.get(name).errors.increment();
  }

  void timeout(String name) {
    byName.get(name).timeouts.increment();
  }

  void rescore(String name) {
    byName.get(name).rescores.increment();
  }

  /** Calls of the function made again after a failure. */
  public long rescores(String name) {
    counts(name); // names an unknown function
    return byName.get(name).rescores.sum();
  }

  public Counts counts(String name) {
    Counters c = byName.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no reward named '" + name + "' in " + byName.keySet());
    }
    return new Counts(c.scored.sum(), c.notApplicable.sum(), c.errors.sum(), c.timeouts.sum());
  }

  public Map<String, Counts> snapshot() {
    Map<String, Counts> snapshot = new LinkedHashMap<>();
    byName.keySet().forEach(name -> snapshot.put(name, counts(name)));
    return Collections.unmodifiableMap(snapshot);
  }
}
