package io.tributary.experiment;

import io.tributary.grpo.Evaluator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demonstration's before/after table and plots, as Markdown with PNGs beside it. */
final class DemoReport {
  private final Path dir;
  private final DemoConfig config;
  private final LearningDemo.Outcome outcome;
  private final LearningDemo.Curve grpo;
  private final LearningDemo.Curve sft;

  DemoReport(
      Path dir,
      DemoConfig config,
      LearningDemo.Outcome outcome,
      LearningDemo.Curve grpo,
      LearningDemo.Curve sft) {
    this.dir = dir;
    this.config = config;
    this.outcome = outcome;
    this.grpo = grpo;
    this.sft = sft;
  }

  void write(PrintStream out) throws IOException {
    Map<String, List<double[]>> accuracy = new LinkedHashMap<>();
    accuracy.put("GRPO pass@1 (T=1)", column(grpo.points, 1));
    accuracy.put("GRPO greedy", column(grpo.points, 2));
    if (sft != null) {
      accuracy.put("SFT continuation pass@1 (T=1)", column(sft.points, 1));
      accuracy.put("SFT continuation greedy", column(sft.points, 2));
    }
    Plots.line(
        dir.resolve("heldout_accuracy.png"),
        "Held-out accuracy",
        "training seconds",
        "accuracy",
        accuracy);
    plotMetric("reward_mean", "Reward (mean over sampled groups)");
    boolean klPlotted = plotMetric("kl", "KL to the reference (k3)");
    plotMetric("entropy", "Policy entropy");
    plotMetric("completion_length_mean", "Completion length (tokens)");
    plotMetric("frac_reward_zero_std", "Fraction of zero-variance groups");

    StringBuilder md = new StringBuilder("# GRPO learning demonstration\n\n");
    md.append(
        String.format(
            "Task: arithmetic, %d operands up to %d, operators %s; SFT traces with noise %.2f. ",
            config.task().operands(),
            config.task().maxOperand(),
            config.task().operators(),
            config.task().noise()));
    md.append(
        String.format(
            "%d held-out prompts never trained on; pass@1 is the mean correctness of %d samples at T=%.1f.%n%n",
            config.evalPrompts(), config.passK(), config.grpo().temperature()));
    md.append("| policy | pass@1 | pass@")
        .append(config.passK())
        .append(" | greedy | well-formed |\n|---|---|---|---|---|\n");
    row(md, "SFT cold start", outcome.start());
    row(
        md,
        String.format("GRPO after %d s (%d steps)", config.budgetSeconds(), outcome.grpoSteps()),
        outcome.grpoEnd());
    row(md, "GRPO best evaluation", outcome.grpoBest());
    if (outcome.sftEnd() != null) {
      row(
          md,
          String.format("SFT continued %d s (%d steps)", config.budgetSeconds(), sft.steps),
          outcome.sftEnd());
    }
    md.append(
        String.format(
            "%nGRPO gain over the SFT start: %+.1f points pass@1; over the SFT continuation: %s.%n",
            100 * (outcome.grpoEnd().passAt1() - outcome.start().passAt1()),
            outcome.sftEnd() == null
                ? "not run"
                : String.format(
                    "%+.1f points",
                    100 * (outcome.grpoEnd().passAt1() - outcome.sftEnd().passAt1()))));
    md.append(
        String.format(
            "At the end GRPO is %.1f points below its best evaluation.%n%n",
            100 * (outcome.grpoBest().passAt1() - outcome.grpoEnd().passAt1())));
    md.append("![held-out accuracy](heldout_accuracy.png)\n![reward](reward_mean.png)\n")
        .append(
            klPlotted
                ? "![kl](kl.png)\n"
                : "KL to the reference: not computed in this run (beta = 0), so not plotted.\n")
        .append("![entropy](entropy.png)\n")
        .append(
            "![length](completion_length_mean.png)\n![zero-variance groups](frac_reward_zero_std.png)\n\n")
        .append(
            "Per-step metrics: `grpo_metrics.jsonl`; evaluations: `eval.jsonl`; the resolved config: `config.yaml`.\n");
    Files.writeString(dir.resolve("report.md"), md.toString());
    out.println();
    out.print(md);
    out.println("report: " + dir.resolve("report.md").toAbsolutePath());
  }

  /** Plots the metric's values; false, and no file, when no step computed it. */
  private boolean plotMetric(String key, String title) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, Object> m : grpo.steps_) {
      Object v = m.get(key);
      if (v instanceof Number n) {
        points.add(new double[] {((Number) m.get("version")).doubleValue(), n.doubleValue()});
      }
    }
    if (points.isEmpty()) {
      return false;
    }
    Plots.line(dir.resolve(key + ".png"), title, "policy version", key, Map.of(key, points));
    return true;
  }

  private static List<double[]> column(List<double[]> points, int index) {
    List<double[]> out = new ArrayList<>();
    for (double[] p : points) {
      out.add(new double[] {p[0], p[index]});
    }
    return out;
  }

  private static void row(StringBuilder md, String name, Evaluator.Result r) {
    md.append(
        String.format(
            "| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% |%n",
            name, 100 * r.passAt1(), 100 * r.passAtK(), 100 * r.greedy(), 100 * r.formatRate()));
  }
}
