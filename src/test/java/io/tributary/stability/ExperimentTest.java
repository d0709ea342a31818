package io.tributary.stability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on a tiny budget: two settings, one seed, each a real closed loop (its own
 * broker, the rollout job, the learner) of a tiny model from one shared SFT cold start.
 */
class ExperimentTest {
  @TempDir Path dir;

  private Path tinyBase() throws IOException {
    Path model = dir.resolve("tiny-model.yaml");
    Files.writeString(
        model,
        """
        vocabSize: 112
        dim: 16
        layers: 2
        heads: 2
        routedExperts: 4
        topK: 2
        expertHidden: 16
        denseHidden: 32
        denseLayers: 1
        maxSeqLen: 48
        device: cpu
        """);
    Path base = dir.resolve("base.yaml");
    Files.writeString(
        base,
        """
        model: %s
        task: {operands: 2, maxOperand: 30, train: 300, heldout: 20}
        sftSteps: 10
        sftBatch: 8
        rewards:
          rewards:
            - {name: accuracy, weight: 1.0}
        grpo:
          sampling: {groupSize: 3, maxNewTokens: 14}
          promptsPerStep: 2
          optimizer: {learningRate: 1.0e-3, minLearningRate: 1.0e-3, warmupSteps: 0, totalSteps: 1000}
        learner: {maxStaleness: 4, keepCheckpoints: 3, pollMillis: 100}
        rollouts:
          microBatch: {size: 2, maxWaitMs: 50}
          checkpointIntervalMs: 400
        budget: {versions: 50, seconds: 120}  # the experiment's set: 2 versions
        evalEveryVersions: 2
        evalPrompts: 4
        passK: 2
        maxPromptsInFlight: 4
        progressEverySeconds: 30
        """
            .formatted(model.toAbsolutePath()));
    return base;
  }

  @Test
  void twoSettingsFromOneColdStartGiveTheTableAndThePlots() throws Exception {
    String yaml =
        """
        base: %s
        seeds: [5]
        set: {budget.versions: 2, sftSteps: 6}
        settings:
          - {name: dapo, set: {grpo.aggregation: dapo, grpo.routingReplay: "off"}}
          - {name: cispo, set: {grpo.aggregation: cispo}}
        """
            .formatted(tinyBase());
    ExperimentConfig config = ExperimentConfig.parse(yaml, "experiment.yaml");
    Path runs = dir.resolve("runs");
    Path out = dir.resolve("out");

    List<RunSummary> summaries = new Experiment(config, runs, out, System.out).run();

    assertThat(summaries).extracting(RunSummary::setting).containsExactly("dapo", "cispo");
    for (RunSummary s : summaries) {
      assertThat(s.failure()).isEmpty();
      assertThat(s.versions()).isEqualTo(2);
      assertThat(s.passAt1Before()).isPresent();
      assertThat(s.passAt1After()).isPresent();
      assertThat(s.entropyLast()).isPresent();
      assertThat(
              s.mismatch("mismatch/s0/k3_kl").isPresent()
                  || s.mismatch("mismatch/s1/k3_kl").isPresent())
          .isTrue();
      // both runs started from the one cold start
      assertThat(Files.mismatch(runs.resolve("sft/sft.ckpt"), s.runDir().resolve("sft.ckpt")))
          .isEqualTo(-1L);
    }
    String md = Files.readString(out.resolve(ExperimentReport.FILE));
    assertThat(md).contains("| dapo | 1 |").contains("| cispo | 1 |");
    assertThat(out.resolve("heldout_pass_at_1.png")).isNotEmptyFile();
    assertThat(out.resolve("entropy.png")).isNotEmptyFile();

    // a second sitting keeps the finished runs and trains nothing
    long before =
        Files.getLastModifiedTime(summaries.get(0).runDir().resolve("report.md")).toMillis();
    new Experiment(config, runs, out, System.out).run();
    assertThat(Files.getLastModifiedTime(summaries.get(0).runDir().resolve("report.md")).toMillis())
        .isEqualTo(before);

    // the experiment's own keys reach the cold start, and a cold start of other settings is
    // never reused: a third sitting with more SFT steps is refused before anything runs
    assertThat(Files.readString(runs.resolve("sft").resolve(Experiment.COLD_START_SETTINGS)))
        .contains("\"sftSteps\":6");
    ExperimentConfig longerSft =
        ExperimentConfig.parse(yaml.replace("sftSteps: 6", "sftSteps: 7"), "experiment.yaml");
    assertThatThrownBy(() -> new Experiment(longerSft, runs, out, System.out).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(Experiment.COLD_START_SETTINGS)
        .hasMessageContaining("\"sftSteps\":6")
        .hasMessageContaining("\"sftSteps\":7");
  }
}
