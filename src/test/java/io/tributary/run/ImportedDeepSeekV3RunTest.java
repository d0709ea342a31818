package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.ScoredGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop on the DeepSeek-V3 fixture (MLA, sigmoid group-limited routing, a shared expert),
 * training every weight: a model without a chat template sees the task prompts bare, after the BOS
 * its tokenizer adds, and its policy versions keep the architecture for export.
 */
class ImportedDeepSeekV3RunTest {
  static EmbeddedKafka broker;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aFullWeightRunOnTheDeepSeekV3FixtureAdvancesVersionsOfTheSameArchitecture()
      throws Exception {
    Path model = ImportedModels.deepSeekV3(dir.resolve("deepseek"));
    String yaml =
        """
        model: {hf: '%s'}
        task: {operands: 2, maxOperand: 30, train: 300, heldout: 20}
        rewards:
          rewards:
            - {name: accuracy, weight: 1.0}
            - {name: overlong, weight: 1.0, params: {maxLength: 40, buffer: 39, unit: characters}}
          threads: 1
        grpo:
          sampling: {groupSize: 3, maxNewTokens: 8}
          promptsPerStep: 2
          beta: 0.0
          optimizer: {learningRate: 1.0e-3, minLearningRate: 1.0e-3, warmupSteps: 0, totalSteps: 1000}
        learner: {maxStaleness: 100, keepCheckpoints: 3, pollMillis: 100}
        kafka: %s
        rollouts:
          microBatch: {size: 2, maxWaitMs: 50}
          checkpointIntervalMs: 400
        budget: {versions: 3, seconds: 120}
        evalEveryVersions: 2
        evalPrompts: 4
        passK: 2
        maxPromptsInFlight: 4
        progressEverySeconds: 5
        seed: 5
        """
            .formatted(
                model.toAbsolutePath(),
                RunFixtures.kafkaSection(broker.bootstrapServers(), "deepseek"));
    RunConfig config = RunConfig.parse(yaml, "deepseek-run.yaml");
    Path run = dir.resolve("run");

    RunLoop.Result result = RunLoop.start(config, run, System.out);

    assertThat(result.version()).isEqualTo(3);
    assertThat(run.resolve(RunLoop.SFT_CHECKPOINT)).doesNotExist();
    assertThat(Checkpoint.read(run.resolve(RunLoop.IMPORTED_CHECKPOINT)).isAdapterOnly()).isFalse();
    Checkpoint last =
        Checkpoint.read(run.resolve(RunLoop.POLICIES).resolve("policy-v00000003.ckpt"));
    assertThat(last.isAdapterOnly()).isFalse();
    assertThat(last.header().modelConfig().huggingFace().modelType()).isEqualTo("deepseek_v3");

    List<ScoredGroup> rollouts = RunLoopTest.committedGroups(config.kafka());
    assertThat(rollouts).isNotEmpty();
    // no chat template: the task's prompt as it is
    assertThat(rollouts).allSatisfy(r -> assertThat(r.prompt()).doesNotContain("<｜"));
    RunLog log = new RunLog(run);
    List<Map<String, Object>> metrics = log.read(RunLog.METRICS);
    assertThat(metrics)
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(1L, 2L, 3L);
    assertThat(metrics)
        .anySatisfy(
            m -> assertThat(((Number) m.get("sampled_version_max")).longValue()).isPositive());
    assertThat(log.read(RunLog.EVAL))
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(0L, 2L, 3L);
    assertThat(result.report()).exists();
  }
}
