package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.Precision;
import io.tributary.tokenizer.HfTokenizer;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./tributary rollouts} without a policy checkpoint: it writes one from initModel. */
class RolloutsInitModelTest {
  private static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");

  @TempDir Path dir;

  private RolloutsConfig config(Path policy, String initModel) {
    return RolloutsConfig.parse(
        """
        policyCheckpoint: '%s'
        initModel: '%s'
        rewards: {rewards: [{name: accuracy, weight: 1.0}], threads: 1}
        """
            .formatted(policy, initModel),
        "rollouts.yaml");
  }

  @Test
  void aHuggingFaceDirectoryIsImportedWithItsWeightsAndTokenizer() {
    Path policy = dir.resolve("policy.ckpt");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RolloutsRunner.ensurePolicy(
        config(policy, QWEN3.toString()), new PrintStream(out, true, StandardCharsets.UTF_8));

    Checkpoint written = Checkpoint.read(policy);
    assertThat(written.header().tokenizer()).isInstanceOf(TokenizerSpec.HuggingFace.class);
    assertThat(written.header().modelConfig().huggingFace().modelType()).isEqualTo("qwen3");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("the imported model");
    try (RolloutGenerator generator =
        RolloutGenerator.open(policy, SamplingConfig.defaults(), 1, 1)) {
      assertThat(generator.tokenizer()).isInstanceOf(HfTokenizer.class);
      assertThat(generator.policyVersion()).isZero();
    }
  }

  @Test
  void aModelYamlWithDtypeFloat16GivesAHalfPrecisionReplica() throws Exception {
    Path yaml = dir.resolve("qwen3-fp16.yaml");
    Files.writeString(yaml, "hf: " + QWEN3.toAbsolutePath() + "\ndtype: float16\n");
    Path policy = dir.resolve("policy.ckpt");
    RolloutsRunner.ensurePolicy(
        config(policy, yaml.toString()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    Checkpoint written = Checkpoint.read(policy);
    assertThat(written.header().modelConfig().dtype()).isEqualTo(Precision.FLOAT16);
    assertThat(written.header().tensors()).anyMatch(t -> t.dtype().equals("FLOAT16"));
    try (RolloutGenerator generator =
        RolloutGenerator.open(policy, new SamplingConfig(2, 1.0, 1.0, 0, 4, null), 1, 1)) {
      List<ValidPrompt> prompts = RolloutGeneratorTest.prompts(generator, 1);
      assertThat(generator.generate(prompts, 1).get(0).completions()).hasSize(2);
    }
  }

  @Test
  void aModelYamlStillGivesAFreshlyInitialisedCharacterLevelPolicy() {
    Path policy = dir.resolve("policy.ckpt");
    RolloutsRunner.ensurePolicy(
        config(policy, "configs/model/small.yaml"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(Checkpoint.read(policy).header().tokenizer())
        .isInstanceOf(TokenizerSpec.Characters.class);
  }
}
