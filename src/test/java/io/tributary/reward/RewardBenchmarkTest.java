package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cli.BenchRewardsCommand;
import io.tributary.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RewardBenchmarkTest {
  @Test
  void measuresEveryBuiltInAtBothBatchSizesAndEndsWithOneJsonLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RewardBenchmark.Report report =
        RewardBenchmark.run(
            new RewardBenchmark.Settings(1, Duration.ofMillis(10), 1),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(report.rows()).hasSize(2 * RewardBenchmark.builtIns().size());
    assertThat(report.rows()).allSatisfy(row -> assertThat(row.direct()).isPositive());
    assertThat(report.rows()).allSatisfy(row -> assertThat(row.scorer()).isPositive());
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).contains("reward", "batch", "rollouts/s");
    JsonNode json = Json.mapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("benchmark").asText()).isEqualTo("rewards");
    assertThat(json.get("rows")).hasSize(report.rows().size());
    assertThat(json.get("rows").get(1).get("batch").asInt()).isEqualTo(32);
    // every case of the repository's own equivalence set agrees (AccuracyAgreementTest)
    assertThat(json.get("accuracy_agreement").asDouble()).isEqualTo(1.0);
  }

  @Test
  void theCommandRejectsZeroRepeatsAsBadInput() {
    CommandLine cli = new CommandLine(new BenchRewardsCommand());
    cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));

    assertThat(cli.execute("--repeats", "0")).isNotZero();
  }

  @Test
  void countdownAndTheJudgeAreMeasuredOnRolloutsThatTheyReallyScore() throws Exception {
    List<Rollout> group =
        SyntheticRollouts.groups(4, 32, 7L).stream().flatMap(List::stream).toList();
    RewardFunction countdown = RewardBenchmark.builtIns().get("countdown").get();
    RewardFunction judge = RewardBenchmark.builtIns().get("judge").get();
    try (AutoCloseable server = (AutoCloseable) judge) {
      assertThat(countdown.scoreGroup(group))
          .contains(RewardResult.score(1.0), RewardResult.score(0.0));
      assertThat(judge.scoreGroup(group)).containsOnly(RewardResult.score(1.0));
    }
    assertThat(RewardBenchmark.builtIns()).containsKeys("countdown", "judge");
  }
}
