package io.tributary.stability;

import io.tributary.run.RunLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One run of the experiment, read back from its run directory's metrics and evaluations alone.
 * "Before" is the first held-out evaluation (version 0, the SFT cold start), "after" the last. A
 * metric no version computed (routing disagreement without routing traces, a staleness bucket no
 * group fell in) is absent, never 0.
 *
 * @param mismatch mean over versions of each mismatch metric ({@code mismatch/s0/k3_kl}, ...) that
 *     some version computed, in the order first seen
 */
public record RunSummary(
    String setting,
    long seed,
    Path runDir,
    long versions,
    OptionalDouble seconds,
    OptionalDouble passAt1Before,
    OptionalDouble passAtKBefore,
    OptionalDouble passAt1After,
    OptionalDouble passAtKAfter,
    OptionalDouble entropyFirst,
    OptionalDouble entropyLast,
    OptionalDouble entropyMin,
    Map<String, Double> mismatch,
    Optional<CollapseRule.Collapse> collapse,
    Optional<String> failure,
    boolean finished) {

  /** A run that stopped with an error leaves its message in this file of its directory. */
  public static final String FAILED = "FAILED";

  public boolean collapsed() {
    return collapse.isPresent();
  }

  public OptionalDouble mismatch(String key) {
    Double v = mismatch.get(key);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** Reads the run in {@code runDir}. */
  public static RunSummary read(String setting, long seed, Path runDir, CollapseRule rule) {
    RunLog log = new RunLog(runDir);
    List<Map<String, Object>> metrics = log.read(RunLog.METRICS);
    List<Map<String, Object>> evals = log.read(RunLog.EVAL);
    List<CollapseRule.Point> pass = points(evals, "pass_at_1");
    List<CollapseRule.Point> entropy = points(metrics, "entropy");
    Map<String, double[]> sums = new LinkedHashMap<>(); // key -> {sum, count}
    for (Map<String, Object> m : metrics) {
      m.forEach(
          (key, value) -> {
            if (key.startsWith("mismatch/")
                && !key.endsWith("/tokens")
                && value instanceof Number n) {
              double[] s = sums.computeIfAbsent(key, k -> new double[2]);
              s[0] += n.doubleValue();
              s[1]++;
            }
          });
    }
    Map<String, Double> mismatch = new LinkedHashMap<>();
    sums.forEach((key, s) -> mismatch.put(key, s[0] / s[1]));
    allBuckets(metrics, mismatch);
    Map<String, Object> firstEval = evals.isEmpty() ? Map.of() : evals.get(0);
    Map<String, Object> lastEval = evals.isEmpty() ? Map.of() : evals.get(evals.size() - 1);
    Map<String, Object> lastMetrics =
        metrics.isEmpty() ? Map.of() : metrics.get(metrics.size() - 1);
    return new RunSummary(
        setting,
        seed,
        runDir,
        lastMetrics.get("version") instanceof Number v ? v.longValue() : 0,
        number(lastMetrics, "elapsed_s"),
        number(firstEval, "pass_at_1"),
        number(firstEval, "pass_at_k"),
        evals.size() > 1 ? number(lastEval, "pass_at_1") : OptionalDouble.empty(),
        evals.size() > 1 ? number(lastEval, "pass_at_k") : OptionalDouble.empty(),
        entropy.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(entropy.get(0).value()),
        entropy.isEmpty()
            ? OptionalDouble.empty()
            : OptionalDouble.of(entropy.get(entropy.size() - 1).value()),
        entropy.stream().mapToDouble(CollapseRule.Point::value).min(),
        mismatch,
        rule.detect(pass, entropy),
        failure(runDir),
        Files.exists(runDir.resolve("report.md")));
  }

  private static Optional<String> failure(Path runDir) {
    Path file = runDir.resolve(FAILED);
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e, e);
    }
  }

  /**
   * The mismatch over every staleness bucket: per version the buckets' means weighted by their
   * tokens, then the mean over versions ({@code mismatch/all/k3_kl}, {@code logp_abs_mean}, {@code
   * routing_diff}); and the largest gap of any version ({@code mismatch/all/logp_abs_max}). Where
   * the loop's staleness sits in one bucket (the same in every version), the per-bucket columns of
   * the others are empty and this is the figure to compare.
   */
  private static void allBuckets(List<Map<String, Object>> metrics, Map<String, Double> out) {
    for (String metric : List.of("k3_kl", "logp_abs_mean", "routing_diff")) {
      double sum = 0;
      int versions = 0;
      for (Map<String, Object> m : metrics) {
        double weighted = 0;
        double tokens = 0;
        for (String bucket : BUCKETS) {
          if (m.get("mismatch/" + bucket + "/" + metric) instanceof Number v
              && m.get("mismatch/" + bucket + "/tokens") instanceof Number t) {
            weighted += v.doubleValue() * t.doubleValue();
            tokens += t.doubleValue();
          }
        }
        if (tokens > 0) {
          sum += weighted / tokens;
          versions++;
        }
      }
      if (versions > 0) {
        out.put("mismatch/all/" + metric, sum / versions);
      }
    }
    OptionalDouble max =
        metrics.stream()
            .flatMap(m -> BUCKETS.stream().map(b -> m.get("mismatch/" + b + "/logp_abs_max")))
            .filter(v -> v instanceof Number)
            .mapToDouble(v -> ((Number) v).doubleValue())
            .max();
    max.ifPresent(v -> out.put("mismatch/all/logp_abs_max", v));
  }

  private static final List<String> BUCKETS = List.of("s0", "s1", "s2", "s3plus");

  static List<CollapseRule.Point> points(List<Map<String, Object>> lines, String key) {
    List<CollapseRule.Point> out = new ArrayList<>();
    for (Map<String, Object> m : lines) {
      if (m.get(key) instanceof Number y && m.get("version") instanceof Number x) {
        out.add(new CollapseRule.Point(x.longValue(), y.doubleValue()));
      }
    }
    return out;
  }

  private static OptionalDouble number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n
        ? OptionalDouble.of(n.doubleValue())
        : OptionalDouble.empty();
  }
}
