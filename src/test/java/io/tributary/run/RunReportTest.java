package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run report plots what was computed and says so, without a plot, for what was not. */
class RunReportTest {
  @TempDir Path dir;

  static Map<String, Object> update(long version, Double kl) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("version", version);
    line.put("elapsed_s", 10.0 * version);
    line.put("trained_rollouts", 8 * version);
    line.put("reward_mean", 0.1 * version);
    line.put("loss", 0.5);
    if (kl != null) {
      line.put("kl", kl);
    }
    line.put("entropy", 1.2);
    line.put("completion_length_mean", 9.0);
    line.put("staleness_mean", 0.5);
    line.put("max_age", 1);
    line.put("expert_load_max", 0.4);
    line.put("expert_load_min", 0.1);
    line.put("rollouts_per_s", 3.0);
    line.put("unscored_groups", 2);
    line.put("mismatch/s0/k3_kl", 1e-7);
    line.put("mismatch/s0/logp_abs_mean", 1e-4);
    line.put("mismatch/s0/logp_abs_max", 1e-3);
    line.put("mismatch/s0/routing_diff", 0.1);
    line.put("correction_truncated_frac", 0.01);
    return line;
  }

  @Test
  void aKlThatWasNeverComputedIsNotPlottedAndTheReportSaysWhy() throws Exception {
    RunLog log = new RunLog(dir);
    log.update(update(1, null));
    log.update(update(2, null));

    String report = Files.readString(new RunReport(dir).write());

    assertThat(dir.resolve("kl.png")).doesNotExist();
    assertThat(report)
        .doesNotContain("kl.png")
        .contains("KL to the reference (k3): not computed in this run (beta = 0")
        .contains("2 groups not trained because a reward function failed on them");
    assertThat(dir.resolve("expert_load.png")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve(RunLog.METRICS))).doesNotContain("\"kl\"");
  }

  @Test
  void aComputedKlIsPlotted() throws Exception {
    RunLog log = new RunLog(dir);
    log.update(update(1, 0.0));
    log.update(update(2, 0.01));

    String report = Files.readString(new RunReport(dir).write());

    assertThat(dir.resolve("kl.png")).isNotEmptyFile();
    assertThat(report).contains("(kl.png)").doesNotContain("not computed");
  }

  @Test
  void theMismatchIsPlottedAndAnOffCorrectionIsNamed() throws Exception {
    RunLog log = new RunLog(dir);
    Map<String, Object> first = update(1, 0.0);
    first.remove("correction_truncated_frac");
    first.remove("mismatch/s0/routing_diff");
    log.update(first);
    log.update(first);

    String report = Files.readString(new RunReport(dir).write());

    assertThat(dir.resolve("mismatch_k3.png")).isNotEmptyFile();
    assertThat(report)
        .contains("(mismatch_k3.png)")
        .contains("(mismatch_logp.png)")
        .contains("Routing decisions that differ: not computed in this run (no routing recorded")
        .contains("rollout correction: not computed in this run (grpo.rolloutCorrection");
  }
}
