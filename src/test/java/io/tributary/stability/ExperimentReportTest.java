package io.tributary.stability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results from run directories' files alone, on runs written by hand. */
class ExperimentReportTest {
  @TempDir Path dir;

  private Path run(String name, String metrics, String evals) throws IOException {
    Path run = dir.resolve(name);
    Files.createDirectories(run);
    Files.writeString(run.resolve("metrics.jsonl"), metrics);
    Files.writeString(run.resolve("eval.jsonl"), evals);
    Files.writeString(run.resolve("report.md"), "# a finished run\n");
    return run;
  }

  /** Routing replay off, routing recorded: every mismatch metric computed; accuracy halves. */
  private Path collapsingRun() throws IOException {
    return run(
        "collapsing",
        """
        {"version":1,"entropy":0.80,"elapsed_s":10.0,"mismatch/s0/tokens":90,"mismatch/s0/k3_kl":0.02,"mismatch/s0/routing_diff":0.10,"mismatch/s1/k3_kl":0.05}
        {"version":2,"entropy":0.60,"elapsed_s":20.0,"mismatch/s0/tokens":80,"mismatch/s0/k3_kl":0.04,"mismatch/s0/routing_diff":0.20}
        """,
        """
        {"version":0,"pass_at_1":0.30,"pass_at_k":0.50,"k":8}
        {"version":2,"pass_at_1":0.10,"pass_at_k":0.20,"k":8}
        """);
  }

  /** A run whose sampler recorded no routing and that never had a stale group. */
  private Path steadyRunWithoutRouting() throws IOException {
    return run(
        "steady",
        """
        {"version":1,"entropy":0.70,"elapsed_s":12.0,"mismatch/s0/tokens":50,"mismatch/s0/k3_kl":0.01}
        {"version":2,"entropy":0.65,"elapsed_s":24.0,"mismatch/s0/tokens":50,"mismatch/s0/k3_kl":0.03}
        """,
        """
        {"version":0,"pass_at_1":0.30,"pass_at_k":0.50,"k":8}
        {"version":2,"pass_at_1":0.35,"pass_at_k":0.60,"k":8}
        """);
  }

  @Test
  void aRunSummaryHoldsBeforeAfterEntropyMeansOfTheMismatchAndTheCollapse() throws IOException {
    RunSummary s = RunSummary.read("dapo", 1, collapsingRun(), CollapseRule.defaults());

    assertThat(s.versions()).isEqualTo(2);
    assertThat(s.passAt1Before().getAsDouble()).isEqualTo(0.30);
    assertThat(s.passAt1After().getAsDouble()).isEqualTo(0.10);
    assertThat(s.passAtKAfter().getAsDouble()).isEqualTo(0.20);
    assertThat(s.entropyMin().getAsDouble()).isEqualTo(0.60);
    assertThat(s.mismatch("mismatch/s0/k3_kl").getAsDouble()).isCloseTo(0.03, within());
    assertThat(s.mismatch("mismatch/s1/k3_kl").getAsDouble()).isCloseTo(0.05, within());
    assertThat(s.mismatch()).doesNotContainKey("mismatch/s0/tokens");
    // over all buckets: the tokens weigh each version's buckets; s1 counted no tokens here
    assertThat(s.mismatch("mismatch/all/k3_kl").getAsDouble()).isCloseTo(0.03, within());
    assertThat(s.mismatch("mismatch/all/routing_diff").getAsDouble()).isCloseTo(0.15, within());
    assertThat(s.collapse()).hasValueSatisfying(c -> assertThat(c.version()).isEqualTo(2));
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }

  @Test
  void aMetricNoVersionComputedIsAbsentNotZero() throws IOException {
    RunSummary s = RunSummary.read("gspo", 1, steadyRunWithoutRouting(), CollapseRule.defaults());

    assertThat(s.mismatch("mismatch/s0/routing_diff")).isEmpty();
    assertThat(s.mismatch("mismatch/s2/k3_kl")).isEmpty();
    assertThat(s.collapsed()).isFalse();
  }

  @Test
  void aRunWithOnlyItsStartingEvaluationHasNoAfter() throws IOException {
    Path started =
        run("started", "", "{\"version\":0,\"pass_at_1\":0.30,\"pass_at_k\":0.50,\"k\":8}\n");

    RunSummary s = RunSummary.read("cispo", 1, started, CollapseRule.defaults());

    assertThat(s.passAt1Before()).isPresent();
    assertThat(s.passAt1After()).isEmpty();
    assertThat(s.entropyLast()).isEmpty();
  }

  @Test
  void theResultsTableCountsCollapsesPerSettingAndWritesDashesForAbsentMetrics()
      throws IOException {
    List<RunSummary> runs =
        List.of(
            RunSummary.read("dapo", 1, collapsingRun(), CollapseRule.defaults()),
            RunSummary.read("gspo", 1, steadyRunWithoutRouting(), CollapseRule.defaults()));
    Path out = dir.resolve("out");

    Path results = ExperimentReport.write(out, runs, CollapseRule.defaults());

    String md = Files.readString(results);
    assertThat(md)
        .contains(
            "| setting | runs | failed | collapsed | pass@1 before | pass@1 after | pass@k before |"
                + " pass@k after | entropy last | k3 KL | mean abs log-prob gap | routing diff |")
        .contains(
            "| dapo | 1 | 0 | 1 | 30.0% | 10.0% | 50.0% | 20.0% | 0.6000 | 0.0300 | — | 15.0% |")
        .contains("| gspo | 1 | 0 | 0 | 30.0% | 35.0% | 50.0% | 60.0% | 0.6500 | 0.0200 | — | — |")
        .contains(
            "| gspo | 1 | 2 | 24 | 30.0% | 35.0% | 50.0% | 60.0% | 0.7000 | 0.6500 | 0.6500 |"
                + " 0.0200 | — | — | — | 0.0200 | — | — | no |")
        .contains("yes, version 2: held-out pass@1");
    // the routing plot has the one run that recorded routing; every plot is a real file
    for (String plot :
        List.of(
            "heldout_pass_at_1.png",
            "heldout_pass_at_k.png",
            "entropy.png",
            "mismatch_k3_s0.png",
            "routing_diff_s0.png")) {
      assertThat(out.resolve(plot)).isNotEmptyFile();
      assertThat(md).contains("(" + plot + ")");
    }
  }

  @Test
  void aMetricNoRunComputedGetsASentenceInsteadOfAPlot() throws IOException {
    List<RunSummary> runs =
        List.of(RunSummary.read("gspo", 1, steadyRunWithoutRouting(), CollapseRule.defaults()));
    Path out = dir.resolve("out");

    String md = Files.readString(ExperimentReport.write(out, runs, CollapseRule.defaults()));

    assertThat(md).contains("Routing decisions that differ, staleness 0: not computed in any run");
    assertThat(out.resolve("routing_diff_s0.png")).doesNotExist();
  }

  @Test
  void aRunThatFailedSaysSoInItsRowWithTheErrorOnOneLine() throws IOException {
    Path failed =
        run("failed", "", "{\"version\":0,\"pass_at_1\":0.30,\"pass_at_k\":0.50,\"k\":8}\n");
    Files.writeString(failed.resolve(RunSummary.FAILED), "routingReplay: replay, but |no| trace\n");

    RunSummary s = RunSummary.read("dapo-replay", 1, failed, CollapseRule.defaults());
    String md =
        Files.readString(
            ExperimentReport.write(dir.resolve("out"), List.of(s), CollapseRule.defaults()));

    assertThat(s.failure()).contains("routingReplay: replay, but |no| trace");
    assertThat(md).contains("| dapo-replay | 1 | 1 | 0 |");
    assertThat(md).contains("| failed: routingReplay: replay, but \\|no\\| trace |");
  }

  @Test
  void aRunStoppedBeforeItsBudgetIsMarkedUnfinished() throws IOException {
    Path stopped = steadyRunWithoutRouting();
    Files.delete(stopped.resolve("report.md"));

    RunSummary s = RunSummary.read("gspo", 1, stopped, CollapseRule.defaults());
    String md =
        Files.readString(
            ExperimentReport.write(dir.resolve("out"), List.of(s), CollapseRule.defaults()));

    assertThat(s.finished()).isFalse();
    assertThat(md).contains("| no so far (stopped unfinished) |");
  }

  @Test
  void aSettingsMeanLineHoldsOnlyTheVersionsEverySeedReached() {
    List<CollapseRule.Point> seed1 =
        List.of(new CollapseRule.Point(0, 0.30), new CollapseRule.Point(20, 0.10));
    List<CollapseRule.Point> seed2 =
        List.of(
            new CollapseRule.Point(0, 0.20),
            new CollapseRule.Point(20, 0.30),
            new CollapseRule.Point(40, 0.50));

    List<double[]> mean = ExperimentReport.meanOverSeeds(List.of(seed1, seed2));

    assertThat(mean).hasSize(2);
    assertThat(mean.get(0)).containsExactly(0, 0.25);
    assertThat(mean.get(1)).containsExactly(20, 0.20);
  }

  @Test
  void theResultsPlotEachSettingsMeanBesideEveryRun() throws IOException {
    List<RunSummary> runs =
        List.of(
            RunSummary.read("dapo", 1, collapsingRun(), CollapseRule.defaults()),
            RunSummary.read("gspo", 1, steadyRunWithoutRouting(), CollapseRule.defaults()));
    Path out = dir.resolve("out");

    String md = Files.readString(ExperimentReport.write(out, runs, CollapseRule.defaults()));

    assertThat(out.resolve("mean_heldout_pass_at_1.png")).isRegularFile();
    assertThat(out.resolve("heldout_pass_at_1.png")).isRegularFile();
    assertThat(md).contains("![Held-out pass@1, mean over seeds](mean_heldout_pass_at_1.png)");
  }
}
