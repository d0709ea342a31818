package io.tributary.run;

import io.tributary.experiment.Plots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run report: Markdown with PNG plots beside it, built from the run's JSON Lines files alone,
 * so a resumed run reports its whole history.
 */
public final class RunReport {
  private static final int SAMPLES = 8;

  private final Path dir;
  private final RunLog log;

  public RunReport(Path dir) {
    this.dir = dir;
    this.log = new RunLog(dir);
  }

  /** Writes report.md and its plots; returns the report's path. */
  public Path write() {
    List<Map<String, Object>> metrics = log.read(RunLog.METRICS);
    List<Map<String, Object>> evals = log.read(RunLog.EVAL);
    StringBuilder md = new StringBuilder("# Tributary run report\n\n");
    md.append("Run directory: `").append(dir.toAbsolutePath()).append("`. ");
    if (metrics.isEmpty()) {
      md.append("No policy version was trained.\n\n");
    } else {
      Map<String, Object> last = metrics.get(metrics.size() - 1);
      md.append(
          String.format(
              "%s policy versions in %.0f s of loop time; %s rollouts trained on, %s dropped as"
                  + " stale%s.%n%n",
              last.get("version"),
              number(last, "elapsed_s"),
              last.get("trained_rollouts"),
              last.getOrDefault("stale_dropped", 0),
              // absent from the metrics of a run that did not count them: then say nothing
              last.get("unscored_groups") instanceof Number n
                  ? "; " + n + " groups not trained because a reward function failed on them"
                  : ""));
    }
    heldOut(md, evals);
    plot(md, "reward", "Reward (mean over trained rollouts)", metrics, "reward_mean");
    plot(md, "kl", "KL to the reference (k3)", metrics, "kl");
    plot(md, "entropy", "Policy entropy", metrics, "entropy");
    plot(md, "length", "Completion length (tokens)", metrics, "completion_length_mean");
    plot(md, "staleness", "Staleness (versions)", metrics, "staleness_mean", "max_age");
    plot(md, "expert_load", "Expert load share", metrics, "expert_load_max", "expert_load_min");
    // sampler against learner per staleness bucket (docs/grpo-losses.md)
    plot(md, "mismatch_k3", "Mismatch KL(behaviour || learner), k3", metrics, perBucket("k3_kl"));
    plot(
        md,
        "mismatch_logp",
        "Mismatch mean |behaviour - learner log-prob|",
        metrics,
        perBucket("logp_abs_mean"));
    plot(
        md,
        "mismatch_logp_max",
        "Mismatch max |behaviour - learner log-prob|",
        metrics,
        perBucket("logp_abs_max"));
    plot(
        md,
        "mismatch_routing",
        "Routing decisions that differ",
        metrics,
        perBucket("routing_diff"));
    plot(
        md,
        "rollout_correction",
        "Tokens truncated or masked by the rollout correction",
        metrics,
        "correction_truncated_frac",
        "correction_masked_frac");
    plot(md, "throughput", "Throughput (trained rollouts/s)", metrics, "rollouts_per_s");
    samples(md, metrics);
    md.append(
        "\nFiles: `metrics.jsonl` (per version), `eval.jsonl` (held-out), `trained-rollouts.jsonl`"
            + " (rollout ids per version), `config.yaml` (the resolved config), `policies/`.\n");
    Path report = dir.resolve("report.md");
    try {
      Files.writeString(report, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(report + ": cannot write the report: " + e, e);
    }
    return report;
  }

  private void heldOut(StringBuilder md, List<Map<String, Object>> evals) {
    if (evals.isEmpty()) {
      md.append("No held-out evaluation ran.\n\n");
      return;
    }
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    series.put("pass@1", points(evals, "pass_at_1"));
    series.put("greedy", points(evals, "greedy"));
    Plots.line(
        dir.resolve("heldout_accuracy.png"), "Held-out accuracy", "policy version", "", series);
    Map<String, Object> first = evals.get(0);
    Map<String, Object> last = evals.get(evals.size() - 1);
    Map<String, Object> best = first;
    for (Map<String, Object> e : evals) {
      best = number(e, "pass_at_1") > number(best, "pass_at_1") ? e : best;
    }
    md.append("| policy | pass@1 | pass@k | greedy | well-formed |\n|---|---|---|---|---|\n");
    row(md, "first evaluation (version " + first.get("version") + ")", first);
    row(md, "last evaluation (version " + last.get("version") + ")", last);
    row(md, "best evaluation (version " + best.get("version") + ")", best);
    md.append(
        String.format(
            "%nHeld-out gain, last over first: %+.1f points pass@1.%n%n"
                + "![held-out accuracy](heldout_accuracy.png)%n%n",
            100 * (number(last, "pass_at_1") - number(first, "pass_at_1"))));
  }

  /**
   * Plots the keys that some version computed; a metric no version computed (the KL at beta = 0,
   * the expert load of a dense model) gets a line saying so instead of a plot of zeros.
   */
  private void plot(
      StringBuilder md,
      String name,
      String title,
      List<Map<String, Object>> metrics,
      String... keys) {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (String key : keys) {
      List<double[]> points = points(metrics, key);
      if (!points.isEmpty()) {
        series.put(key, points);
      }
    }
    if (series.isEmpty()) {
      md.append(title).append(": not computed in this run").append(notComputedWhy(name));
      md.append(", so not plotted.\n");
      return;
    }
    Plots.line(dir.resolve(name + ".png"), title, "policy version", "", series);
    md.append("![").append(title).append("](").append(name).append(".png)\n");
  }

  private static String[] perBucket(String metric) {
    return new String[] {
      "mismatch/s0/" + metric,
      "mismatch/s1/" + metric,
      "mismatch/s2/" + metric,
      "mismatch/s3plus/" + metric
    };
  }

  private static String notComputedWhy(String name) {
    return switch (name) {
      case "kl" -> " (beta = 0: no reference model)";
      case "expert_load" -> " (the model has no routed experts)";
      case "mismatch_routing" -> " (no routing recorded by the sampler)";
      case "rollout_correction" -> " (grpo.rolloutCorrection truncates and masks nothing)";
      default -> "";
    };
  }

  private static void samples(StringBuilder md, List<Map<String, Object>> metrics) {
    md.append("\n## Sample completions (one per version, the last ")
        .append(SAMPLES)
        .append(
            ")\n\n| version | prompt | answer | completion | reward |\n|---|---|---|---|---|\n");
    for (Map<String, Object> m :
        metrics.subList(Math.max(0, metrics.size() - SAMPLES), metrics.size())) {
      md.append(
          String.format(
              "| %s | %s | %s | %s | %.2f |%n",
              m.get("version"),
              cell(m.get("sample_prompt")),
              cell(m.get("sample_answer")),
              cell(m.get("sample_completion")),
              number(m, "sample_reward")));
    }
  }

  private static List<double[]> points(List<Map<String, Object>> lines, String key) {
    List<double[]> out = new ArrayList<>();
    for (Map<String, Object> m : lines) {
      if (m.get(key) instanceof Number y && m.get("version") instanceof Number x) {
        out.add(new double[] {x.doubleValue(), y.doubleValue()});
      }
    }
    return out;
  }

  private static void row(StringBuilder md, String name, Map<String, Object> e) {
    md.append(
        String.format(
            "| %s | %.1f%% | %.1f%% (k=%s) | %.1f%% | %.1f%% |%n",
            name,
            100 * number(e, "pass_at_1"),
            100 * number(e, "pass_at_k"),
            e.get("k"),
            100 * number(e, "greedy"),
            100 * number(e, "format_rate")));
  }

  private static double number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** Text fit for one Markdown table cell. */
  static String cell(Object value) {
    String s = value == null ? "" : value.toString();
    return "`" + s.replace("\n", "⏎").replace("|", "\\|").replace("`", "'") + "`";
  }
}
