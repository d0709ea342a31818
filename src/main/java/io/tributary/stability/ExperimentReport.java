package io.tributary.stability;

import io.tributary.experiment.Plots;
import io.tributary.run.RunLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The experiment's results: a Markdown table per setting (collapse count, means over seeds), one
 * row per run, and plots with one line per run, built from the runs' files alone. An absent metric
 * is a dash, never 0, and a mean is over the runs that computed it.
 */
public final class ExperimentReport {
  public static final String FILE = "results.md";
  static final String ABSENT = "—";

  private ExperimentReport() {}

  /** Writes {@code out/results.md} and its plots; returns the Markdown file. */
  public static Path write(Path out, List<RunSummary> runs, CollapseRule rule) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(out + ": cannot create the report directory: " + e, e);
    }
    StringBuilder md = new StringBuilder("# MoE stability experiment: results\n\n");
    md.append(
        String.format(
            "Collapsed: a held-out pass@1 after the start below %.2f x the start's, or a trained"
                + " version's policy entropy below %.3f nats per token. Before: the first held-out"
                + " evaluation (version 0, the SFT cold start); after: the last. Mismatch: the"
                + " mean over versions of the behaviour (sampler) against the learner's log-probs"
                + " per staleness bucket s0, s1, s2, s3+ (k3 KL); without a bucket, over all of"
                + " them (each version's buckets weighted by their tokens), with the share of"
                + " routing decisions that differ; %s: not computed in the run.%n%n",
            rule.passDropFraction(), rule.entropyFloor(), ABSENT));
    settingsTable(md, runs);
    runsTable(md, runs);
    plots(out, md, runs);
    Path file = out.resolve(FILE);
    try {
      Files.writeString(file, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the results: " + e, e);
    }
    return file;
  }

  private static void settingsTable(StringBuilder md, List<RunSummary> runs) {
    md.append("## Per setting\n\n")
        .append(
            "| setting | runs | failed | collapsed | pass@1 before | pass@1 after | pass@k before |"
                + " pass@k after | entropy last | k3 KL | mean abs log-prob gap | routing diff |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<String, List<RunSummary>> bySetting = new LinkedHashMap<>();
    runs.forEach(r -> bySetting.computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(r));
    bySetting.forEach(
        (setting, rs) ->
            md.append(
                String.format(
                    "| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    setting,
                    rs.size(),
                    rs.stream().filter(r -> r.failure().isPresent()).count(),
                    // a run that failed early says nothing about stability
                    rs.stream().filter(r -> r.failure().isEmpty() && r.collapsed()).count(),
                    percent(mean(rs, RunSummary::passAt1Before)),
                    percent(mean(rs, RunSummary::passAt1After)),
                    percent(mean(rs, RunSummary::passAtKBefore)),
                    percent(mean(rs, RunSummary::passAtKAfter)),
                    number(mean(rs, RunSummary::entropyLast)),
                    number(mean(rs, r -> r.mismatch("mismatch/all/k3_kl"))),
                    number(mean(rs, r -> r.mismatch("mismatch/all/logp_abs_mean"))),
                    percent(mean(rs, r -> r.mismatch("mismatch/all/routing_diff"))))));
    md.append("\n");
  }

  private static void runsTable(StringBuilder md, List<RunSummary> runs) {
    md.append("## Per run\n\n")
        .append(
            "| setting | seed | versions | loop s | pass@1 before | pass@1 after | pass@k before |"
                + " pass@k after | entropy first | entropy last | entropy min | k3 KL s0 |"
                + " k3 KL s1 | k3 KL s2 | k3 KL s3+ | k3 KL | max abs log-prob gap |"
                + " routing diff | collapsed |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RunSummary r : runs) {
      md.append(
          String.format(
              "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                  + " %s | %s |%n",
              r.setting(),
              r.seed(),
              r.versions(),
              r.seconds().isPresent() ? String.format("%.0f", r.seconds().getAsDouble()) : ABSENT,
              percent(r.passAt1Before()),
              percent(r.passAt1After()),
              percent(r.passAtKBefore()),
              percent(r.passAtKAfter()),
              number(r.entropyFirst()),
              number(r.entropyLast()),
              number(r.entropyMin()),
              number(r.mismatch("mismatch/s0/k3_kl")),
              number(r.mismatch("mismatch/s1/k3_kl")),
              number(r.mismatch("mismatch/s2/k3_kl")),
              number(r.mismatch("mismatch/s3plus/k3_kl")),
              number(r.mismatch("mismatch/all/k3_kl")),
              number(r.mismatch("mismatch/all/logp_abs_max")),
              percent(r.mismatch("mismatch/all/routing_diff")),
              r.failure()
                  .map(f -> "failed: " + cell(f))
                  .orElseGet(
                      () ->
                          r.collapse()
                              .map(c -> "yes, version " + c.version() + ": " + c.reason())
                              .orElse(r.finished() ? "no" : "no so far (stopped unfinished)"))));
    }
    md.append("\n");
  }

  private static void plots(Path out, StringBuilder md, List<RunSummary> runs) {
    md.append("## Plots\n\n");
    // one line per setting first: with three seeds of six settings, eighteen lines hide the answer
    meanPlot(out, md, runs, RunLog.EVAL, "pass_at_1", "mean_heldout_pass_at_1", "Held-out pass@1");
    meanPlot(out, md, runs, RunLog.EVAL, "pass_at_k", "mean_heldout_pass_at_k", "Held-out pass@k");
    meanPlot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "entropy",
        "mean_entropy",
        "Policy entropy (nats per token)");
    meanPlot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "mismatch/s3plus/k3_kl",
        "mean_mismatch_k3_s3plus",
        "Mismatch KL(behaviour || learner), k3, staleness 3 or more");
    plot(out, md, runs, RunLog.EVAL, "pass_at_1", "heldout_pass_at_1", "Held-out pass@1");
    plot(out, md, runs, RunLog.EVAL, "pass_at_k", "heldout_pass_at_k", "Held-out pass@k");
    plot(out, md, runs, RunLog.METRICS, "entropy", "entropy", "Policy entropy (nats per token)");
    plot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "mismatch/s0/k3_kl",
        "mismatch_k3_s0",
        "Mismatch KL(behaviour || learner), k3, staleness 0");
    plot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "mismatch/s3plus/k3_kl",
        "mismatch_k3_s3plus",
        "Mismatch KL(behaviour || learner), k3, staleness 3 or more");
    plot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "mismatch/s0/routing_diff",
        "routing_diff_s0",
        "Routing decisions that differ, staleness 0");
    plot(
        out,
        md,
        runs,
        RunLog.METRICS,
        "mismatch/s3plus/routing_diff",
        "routing_diff_s3plus",
        "Routing decisions that differ, staleness 3 or more");
  }

  /** One line per setting: the mean over its seeds; absent when no run computed the metric. */
  private static void meanPlot(
      Path out,
      StringBuilder md,
      List<RunSummary> runs,
      String file,
      String key,
      String name,
      String title) {
    Map<String, List<List<CollapseRule.Point>>> bySetting = new LinkedHashMap<>();
    for (RunSummary r : runs) {
      List<CollapseRule.Point> points = RunSummary.points(new RunLog(r.runDir()).read(file), key);
      if (!points.isEmpty()) {
        bySetting.computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(points);
      }
    }
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    bySetting.forEach(
        (setting, seeds) -> {
          List<double[]> mean = meanOverSeeds(seeds);
          if (!mean.isEmpty()) {
            series.put(setting + " (mean of " + seeds.size() + ")", mean);
          }
        });
    if (series.isEmpty()) {
      return; // the per-run plot below says it was not computed
    }
    String titled = title + ", mean over seeds";
    Plots.line(out.resolve(name + ".png"), titled, "policy version", "", series);
    md.append("![").append(titled).append("](").append(name).append(".png)\n\n");
  }

  /**
   * The mean of several runs' series at the versions every one of them has: a version only some
   * seeds reached (a run stopped short) would otherwise mix different sets of runs into one line.
   */
  static List<double[]> meanOverSeeds(List<List<CollapseRule.Point>> seeds) {
    Map<Long, double[]> sumAndCount = new java.util.TreeMap<>();
    for (List<CollapseRule.Point> points : seeds) {
      for (CollapseRule.Point p : points) {
        double[] acc = sumAndCount.computeIfAbsent(p.version(), v -> new double[2]);
        acc[0] += p.value();
        acc[1] += 1;
      }
    }
    List<double[]> mean = new ArrayList<>();
    sumAndCount.forEach(
        (version, acc) -> {
          if (acc[1] == seeds.size()) {
            mean.add(new double[] {version, acc[0] / acc[1]});
          }
        });
    return mean;
  }

  /** One line per run that computed the metric; none computed it: a sentence, not a plot. */
  private static void plot(
      Path out,
      StringBuilder md,
      List<RunSummary> runs,
      String file,
      String key,
      String name,
      String title) {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (RunSummary r : runs) {
      List<double[]> points = new ArrayList<>();
      for (CollapseRule.Point p : RunSummary.points(new RunLog(r.runDir()).read(file), key)) {
        points.add(new double[] {p.version(), p.value()});
      }
      if (!points.isEmpty()) {
        series.put(r.setting() + " seed " + r.seed(), points);
      }
    }
    if (series.isEmpty()) {
      md.append(title).append(": not computed in any run, so not plotted.\n\n");
      return;
    }
    Plots.line(out.resolve(name + ".png"), title, "policy version", "", series);
    md.append("![").append(title).append("](").append(name).append(".png)\n\n");
  }

  private static OptionalDouble mean(
      List<RunSummary> runs, Function<RunSummary, OptionalDouble> metric) {
    return runs.stream()
        .map(metric)
        .filter(OptionalDouble::isPresent)
        .mapToDouble(OptionalDouble::getAsDouble)
        .average();
  }

  /** Text fit for one Markdown table cell: one line, no column bars. */
  static String cell(String s) {
    String line = s.replace("\n", " ").replace("|", "\\|");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  static String percent(OptionalDouble v) {
    return v.isPresent() ? String.format("%.1f%%", 100 * v.getAsDouble()) : ABSENT;
  }

  static String number(OptionalDouble v) {
    return v.isPresent() ? String.format("%.4f", v.getAsDouble()) : ABSENT;
  }
}
