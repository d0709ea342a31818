package io.tributary.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.grpo.Evaluator;
import io.tributary.reward.RewardConfig;
import io.tributary.reward.RewardsConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demonstration's report plots no metric its steps never computed. */
class DemoReportTest {
  @TempDir Path dir;

  static LearningDemo.Curve curve(Double kl) {
    LearningDemo.Curve curve = new LearningDemo.Curve();
    for (int step = 1; step <= 3; step++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", step);
      m.put("reward_mean", 0.2 * step);
      m.put("frac_reward_zero_std", 0.5);
      m.put("completion_length_mean", 12.0);
      m.put("entropy", 1.1);
      if (kl != null) {
        m.put("kl", kl * step);
      }
      curve.steps_.add(m);
      curve.points.add(new double[] {10.0 * step, 0.1 * step, 0.2 * step, 0.3 * step});
    }
    curve.steps = 3;
    return curve;
  }

  String write(LearningDemo.Curve grpo) throws Exception {
    DemoConfig config =
        new DemoConfig(
            null,
            null,
            null,
            null,
            null,
            null,
            RewardsConfig.of(RewardConfig.of("format", 1.0)),
            null,
            null,
            null,
            null,
            false,
            null);
    Evaluator.Result r = new Evaluator.Result(0.3, 0.5, 8, 0.4, 0.9, 300);
    new DemoReport(dir, config, new LearningDemo.Outcome(r, r, r, null, 3), grpo, null)
        .write(new PrintStream(new ByteArrayOutputStream()));
    return Files.readString(dir.resolve("report.md"));
  }

  @Test
  void aKlNoStepComputedIsNeitherPlottedNorShownAsZero() throws Exception {
    String report = write(curve(null));

    assertThat(dir.resolve("kl.png")).doesNotExist();
    assertThat(report)
        .doesNotContain("kl.png")
        .contains("KL to the reference: not computed in this run (beta = 0)");
    assertThat(dir.resolve("entropy.png")).isNotEmptyFile();
  }

  @Test
  void aComputedKlIsPlotted() throws Exception {
    String report = write(curve(0.01));

    assertThat(dir.resolve("kl.png")).isNotEmptyFile();
    assertThat(report).contains("![kl](kl.png)").doesNotContain("not computed");
  }
}
