package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.HfExport;
import io.tributary.hf.HfImport;
import io.tributary.hf.LoraPolicies;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop on an imported model: a generated random Qwen3 checkpoint with its tokenizer and
 * chat template, GSM8K-format prompts, LoRA adapters trained by GRPO, versions that carry only the
 * adapters and that the rollout job hot-reloads, held-out evaluation, the report, and an export of
 * the trained policy in the model's own layout; resuming the run picks the adapters up again.
 */
class ImportedQwen3RunTest {
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

  private static final String SYSTEM = "Give the number inside <answer></answer>.";

  private String config(Path model, Path prompts) {
    return """
        model: {hf: '%s'}
        dataset: {file: '%s', format: gsm8k, heldout: 4}
        chat:
          systemPrompt: '%s'
          templateVariables: {enable_thinking: false}
        rewards:
          rewards:
            - {name: accuracy, weight: 1.0}
            - {name: format, weight: 0.1}
            - {name: overlong, weight: 1.0, params: {maxLength: 40, buffer: 39, unit: characters}}
          threads: 1
        grpo:
          sampling: {groupSize: 3, maxNewTokens: 10}
          promptsPerStep: 2
          optimizer: {learningRate: 1.0e-2, minLearningRate: 1.0e-2, warmupSteps: 0, totalSteps: 1000}
          lora: {rank: 4, alpha: 8, targets: [attention, mlp]}
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
        seed: 3
        """
        .formatted(
            model.toAbsolutePath(),
            prompts.toAbsolutePath(),
            SYSTEM,
            RunFixtures.kafkaSection(broker.bootstrapServers(), "qwen3"));
  }

  private static float[] logits(PolicyModel model, int[] tokens) {
    try (NDManager step = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled()) {
      return model.logits(step, new int[][] {tokens}, RoutingContext.inference()).toFloatArray();
    }
  }

  @Test
  void aLoraRunOnAnImportedQwen3TrainsAdaptersThatTheRolloutsReloadAndExportsTheResult()
      throws Exception {
    Path model = ImportedModels.randomQwen3(dir.resolve("qwen3"));
    RunConfig config =
        RunConfig.parse(config(model, ImportedModels.gsm8kFile(dir, 24)), "qwen3-run.yaml");
    Path run = dir.resolve("run");

    RunLoop.Result result = RunLoop.start(config, run, System.out);

    assertThat(result.version()).isEqualTo(3);
    // no SFT cold start: version 0 is the imported model with its still-zero adapters
    assertThat(run.resolve(RunLoop.SFT_CHECKPOINT)).doesNotExist();
    Checkpoint imported = Checkpoint.read(run.resolve(RunLoop.IMPORTED_CHECKPOINT));
    assertThat(imported.isAdapterOnly()).isTrue();
    assertThat(imported.header().adapters().base())
        .isEqualTo(model.toAbsolutePath().normalize().toString());

    // the prompts the policy saw and the rollouts record are the chat template's rendering
    List<ScoredGroup> rollouts = RunLoopTest.committedGroups(config.kafka());
    assertThat(rollouts).isNotEmpty();
    assertThat(rollouts)
        .allSatisfy(
            r -> {
              assertThat(r.prompt())
                  .startsWith("<|im_start|>system\n" + SYSTEM + "<|im_end|>\n<|im_start|>user\n")
                  .endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
              assertThat(r.members())
                  .allSatisfy(m -> assertThat(m.completionTokenIds().length).isBetween(1, 10));
            });
    // generation_config.json's stop tokens end completions: only ever as the last token
    assertThat(rollouts)
        .allSatisfy(
            r -> {
              for (ScoredGroup.Member m : r.members()) {
                int[] ids = m.completionTokenIds();
                for (int i = 0; i < ids.length - 1; i++) {
                  assertThat(ids[i]).isNotIn(ImportedModels.IM_END, ImportedModels.END_OF_TEXT);
                }
              }
            });

    // versions carry only the adapters; the rollout job hot-reloaded and sampled with them
    RunLog log = new RunLog(run);
    List<Map<String, Object>> metrics = log.read(RunLog.METRICS);
    assertThat(metrics)
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(1L, 2L, 3L);
    assertThat(metrics)
        .anySatisfy(
            m -> assertThat(((Number) m.get("sampled_version_max")).longValue()).isPositive());
    Path last = run.resolve(RunLoop.POLICIES).resolve("policy-v00000003.ckpt");
    Checkpoint version = Checkpoint.read(last);
    assertThat(version.isAdapterOnly()).isTrue();
    Path full = dir.resolve("full-weights.ckpt");
    int[] probe = {148, 20, 30, 40, 149};
    try (PolicyModel trained = LoraPolicies.load(version, null, DeviceChoice.CPU);
        PolicyModel start = LoraPolicies.load(imported, null, DeviceChoice.CPU)) {
      // GRPO moved the adapters (the random model's completions differ in length: the overlong
      // reward in characters gives their groups a spread)
      assertThat(Arrays.equals(logits(trained, probe), logits(start, probe))).isFalse();
      Checkpoint.save(full, trained, version.tokenizer(), 3, 3, Map.of());
      System.out.printf(
          "bytes per policy version, random Qwen3 (%d parameters): LoRA %d, full weights %d%n",
          trained.parameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum(),
          Files.size(last),
          Files.size(full));
      assertThat(Files.size(last)).isLessThan(Files.size(full) / 2);

      // the checkpoint kept the architecture: the merged policy exports as a Qwen3 directory
      float[] expected = logits(trained, probe);
      Path exported = dir.resolve("exported");
      trained.adapters().merge();
      HfExport.write(trained, version.tokenizer(), exported, HfExport.DEFAULT_SHARD_BYTES);
      try (PolicyModel reimported = HfImport.load(exported, DeviceChoice.CPU, null)) {
        float[] actual = logits(reimported, probe);
        for (int i = 0; i < expected.length; i++) {
          assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }

    // held-out evaluation ran with the model's tokenizer at versions 0 and 2, and the last
    assertThat(log.read(RunLog.EVAL))
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(0L, 2L, 3L);
    assertThat(result.report()).exists();

    // resuming re-imports the model and puts the newest adapters over it: the budget is spent
    RunLoop.Result resumed = RunLoop.resume(run, System.out);
    assertThat(resumed.version()).isEqualTo(3);
    assertThat(new RunLog(run).read(RunLog.METRICS)).hasSize(3);
  }
}
