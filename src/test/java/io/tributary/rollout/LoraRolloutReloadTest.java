package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.LoraConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout replica follows a LoRA run by loading each version's adapters over its base. */
class LoraRolloutReloadTest {
  private static final LoraConfig LORA = LoraConfig.of(4, 8, List.of("attention"));

  @TempDir Path dir;

  private Path adapterVersion(Path base, String name, long version, long adapterSeed) {
    Path file = dir.resolve(name);
    try (PolicyModel policy = Checkpoint.read(base).toModel(null)) {
      policy.attachAdapters(LORA);
      TinyModels.randomizeAdapters(policy, adapterSeed);
      Checkpoint.saveAdapters(
          file, policy, base.toString(), new CharTokenizer().spec(), version, version, Map.of());
    }
    return file;
  }

  @Test
  void eachAdapterVersionIsLoadedOverTheRunningBaseAndChangesTheCompletions() throws Exception {
    Path base = StreamFixtures.tinyPolicy(dir, "base", 1, 0);
    Path v1 = adapterVersion(base, "v1", 1, 11);
    Path v2 = adapterVersion(base, "v2", 2, 12);
    assertThat(Files.size(v1)).isLessThan(Files.size(base) / 2);
    try (RolloutGenerator generator =
        RolloutGenerator.open(base, new SamplingConfig(4, 1.0, 1.0, 0, 10, null), 1, 3)) {
      List<ValidPrompt> prompts = RolloutGeneratorTest.prompts(generator, 2);
      float[] before = generator.generate(prompts, 1).get(0).completions().get(0).logProbs();
      assertThat(generator.reload(RolloutGeneratorTest.event(1, v1, Checkpoint.sha256(v1))))
          .isInstanceOf(PolicySwap.Loaded.class);
      float[] first = generator.generate(prompts, 1).get(0).completions().get(0).logProbs();
      assertThat(generator.reload(RolloutGeneratorTest.event(2, v2, Checkpoint.sha256(v2))))
          .isInstanceOf(PolicySwap.Loaded.class);
      float[] second = generator.generate(prompts, 1).get(0).completions().get(0).logProbs();
      assertThat(first).isNotEqualTo(before);
      assertThat(second).isNotEqualTo(first);
      assertThat(generator.policyVersion()).isEqualTo(2);
    }
  }

  @Test
  void adaptersTrainedOnAnotherBaseAreRefused() {
    Path base = StreamFixtures.tinyPolicy(dir, "base", 1, 0);
    Path other = StreamFixtures.tinyPolicy(dir, "other", 2, 0);
    Path v1 = adapterVersion(other, "v1", 1, 11);
    try (RolloutGenerator generator =
        RolloutGenerator.open(base, new SamplingConfig(4, 1.0, 1.0, 0, 10, null), 1, 3)) {
      assertThat(generator.reload(RolloutGeneratorTest.event(1, v1, Checkpoint.sha256(v1))))
          .isInstanceOfSatisfying(
              PolicySwap.Refused.class, r -> assertThat(r.reason()).contains("SHA-256"));
      assertThat(generator.policyVersion()).isZero();
    }
  }
}
