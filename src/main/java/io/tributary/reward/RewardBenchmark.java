package io.tributary.reward;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tributary.json.Json;
import io.tributary.reward.judge.LocalJudgeServer;
import io.tributary.reward.rules.AccuracyAgreement;
import io.tributary.reward.rules.CountdownReward;
import io.tributary.reward.rules.LengthUnit;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures how many rollouts per second each built-in reward scores, at batch 1 (one rollout per
 * call) and batch 32 (a group of 32), on {@link SyntheticRollouts}. Two paths: the function called
 * directly, and through a {@link RewardScorer} with its threads and timeouts, which is what the
 * pipeline pays. Each figure is the median of {@code repeats} timed runs of {@code runTime} each.
 */
public final class RewardBenchmark {
  /** How long and how often to measure. */
  public record Settings(int repeats, Duration runTime, int threads) {
    public static final Settings DEFAULT = new Settings(5, Duration.ofMillis(300), 2);

    public Settings {
      if (repeats < 1 || runTime.isNegative() || runTime.isZero() || threads < 1) {
        throw new IllegalArgumentException(
            "repeats and threads must be >= 1 and runTime positive, got "
                + repeats
                + ", "
                + runTime
                + ", "
                + threads);
      }
    }
  }

  /** One line of the report; rates in rollouts per second. */
  public record Row(String reward, int batch, double direct, double scorer) {}

  /**
   * The rates, and the share of the repository's equivalence cases (in all their wrappings) on
   * which {@code accuracy} gives the expected verdict ({@link AccuracyAgreement}).
   */
  public record Report(
      String benchmark,
      Settings settings,
      List<Row> rows,
      @JsonProperty("accuracy_agreement") double accuracyAgreement) {}

  private static final int[] BATCHES = {1, 32};

  private RewardBenchmark() {}

  public static Map<String, Supplier<RewardFunction>> builtIns() {
    Map<String, Supplier<RewardFunction>> rewards = new LinkedHashMap<>();
    rewards.put("accuracy", Rewards::accuracy);
    rewards.put("format", Rewards::format);
    rewards.put("tag_count", Rewards::tagCount);
    rewards.put("length", () -> Rewards.length(LengthUnit.TOKENS));
    rewards.put("cosine", Rewards::cosine);
    rewards.put("repetition", Rewards::repetition);
    rewards.put("overlong", Rewards::overlong);
    rewards.put("countdown", CountdownReward::new);
    rewards.put("judge", LocalJudgeServer::benchmarkJudge); // against a local server
    return rewards;
  }

  /** Runs the benchmark, prints a table to {@code out} and ends with one JSON line. */
  public static Report run(Settings settings, PrintStream out) {
    return run(settings, Map.of(), out);
  }

  /**
   * As {@link #run(Settings, PrintStream)}, then the {@code extra} rewards (the model-based ones,
   * which the caller loads); a function that is {@link AutoCloseable} is closed after its rows.
   */
  public static Report run(
      Settings settings, Map<String, Supplier<RewardFunction>> extra, PrintStream out) {
    List<List<Rollout>> pool = SyntheticRollouts.groups(64, 32, 20250101L);
    List<Row> rows = new ArrayList<>();
    out.printf(
        "%-18s %6s %18s %18s%n", "reward", "batch", "direct rollouts/s", "scorer rollouts/s");
    Map<String, Supplier<RewardFunction>> all = new LinkedHashMap<>(builtIns());
    all.putAll(extra);
    for (Map.Entry<String, Supplier<RewardFunction>> entry : all.entrySet()) {
      RewardFunction function = entry.getValue().get();
      try (AutoCloseable ignored = closerOf(function);
          RewardScorer scorer =
              new RewardScorer(
                  List.of(
                      new RewardScorer.WeightedReward(
                          entry.getKey(), function, 1.0, Duration.ofSeconds(2))),
                  settings.threads())) {
        for (int batch : BATCHES) {
          List<List<Rollout>> batches = batches(pool, batch);
          double direct = median(settings, batches, function::scoreGroup);
          double viaScorer = median(settings, batches, scorer::scoreGroup);
          rows.add(new Row(entry.getKey(), batch, direct, viaScorer));
          out.printf("%-18s %6d %18.0f %18.0f%n", entry.getKey(), batch, direct, viaScorer);
        }
      } catch (Exception e) {
        throw new IllegalStateException(entry.getKey() + ": " + e.getMessage(), e);
      }
    }
    AccuracyAgreement.Report agreement = AccuracyAgreement.measure();
    out.printf(
        "accuracy agreement on %s: %d / %d%n",
        AccuracyAgreement.RESOURCE, agreement.agreed(), agreement.outcomes().size());
    Report report = new Report("rewards", settings, List.copyOf(rows), agreement.rate());
    out.println(Json.write(report));
    return report;
  }

  private static AutoCloseable closerOf(RewardFunction function) {
    return function instanceof AutoCloseable closeable ? closeable : () -> {};
  }

  private static List<List<Rollout>> batches(List<List<Rollout>> pool, int batch) {
    if (batch == pool.get(0).size()) {
      return pool;
    }
    List<List<Rollout>> result = new ArrayList<>();
    for (List<Rollout> group : pool) {
      for (int i = 0; i + batch <= group.size(); i += batch) {
        result.add(group.subList(i, i + batch));
      }
    }
    return result;
  }

  private static double median(Settings settings, List<List<Rollout>> batches, Scoring scoring) {
    measure(
        Duration.ofMillis(Math.min(200, settings.runTime().toMillis())),
        batches,
        scoring); // warm-up
    double[] rates = new double[settings.repeats()];
    for (int r = 0; r < rates.length; r++) {
      rates[r] = measure(settings.runTime(), batches, scoring);
    }
    Arrays.sort(rates);
    int mid = rates.length / 2;
    return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
  }

  /** Rollouts per second over at least {@code runTime}, whole batches only. */
  private static double measure(Duration runTime, List<List<Rollout>> batches, Scoring scoring) {
    long deadline = System.nanoTime() + runTime.toNanos();
    long start = System.nanoTime();
    long rollouts = 0;
    int next = 0;
    long sink = 0;
    do {
      List<Rollout> batch = batches.get(next);
      next = (next + 1) % batches.size();
      sink += scoring.score(batch).size();
      rollouts += batch.size();
    } while (System.nanoTime() < deadline);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sink != rollouts) {
      throw new IllegalStateException("a reward returned " + sink + " results for " + rollouts);
    }
    return rollouts / seconds;
  }

  @FunctionalInterface
  private interface Scoring {
    List<?> score(List<Rollout> batch);
  }
}
