package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.SamplingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutGeneratorTest {
  @TempDir Path dir;

  static List<ValidPrompt> prompts(RolloutGenerator generator, int n) {
    PromptValidator validator = new PromptValidator(generator.tokenizer(), generator.maxSeqLen());
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                ((Validation.Accepted)
                        validator.validate(
                            new RawInput(
                                InputOrigin.fileLine("f", i + 1), StreamFixtures.promptLine(i)),
                            1))
                    .prompt())
        .toList();
  }

  RolloutGenerator open(Path policy) {
    return RolloutGenerator.open(policy, new SamplingConfig(4, 1.0, 1.0, 0, 10, null), 1, 3);
  }

  @Test
  void everyPromptGetsGCompletionsWithOneLogProbPerTokenAndTheRunningVersion() {
    try (RolloutGenerator generator = open(StreamFixtures.tinyPolicy(dir, "p", 1, 5))) {
      List<SampledGroup> groups = generator.generate(prompts(generator, 3), 42);
      assertThat(groups).hasSize(3);
      for (SampledGroup g : groups) {
        assertThat(g.completions()).hasSize(4).hasSameSizeAs(g.texts());
        assertThat(g.policyVersion()).isEqualTo(5);
        assertThat(g.createdAtMillis()).isEqualTo(42);
        for (int i = 0; i < 4; i++) {
          var c = g.completions().get(i);
          assertThat(c.tokens()).isNotEmpty().hasSizeLessThanOrEqualTo(10);
          assertThat(c.logProbs()).hasSameSizeAs(c.tokens());
          assertThat(g.texts().get(i)).isEqualTo(generator.tokenizer().decode(c.tokens()));
        }
      }
    }
  }

  @Test
  void aPromptDrawsTheSameCompletionsWhateverBatchItLandsIn() {
    try (RolloutGenerator generator = open(StreamFixtures.tinyPolicy(dir, "p", 1, 0))) {
      List<ValidPrompt> all = prompts(generator, 3);
      SampledGroup alone = generator.generate(List.of(all.get(2)), 1).get(0);
      SampledGroup inBatch = generator.generate(all, 1).get(2);
      for (int i = 0; i < 4; i++) {
        assertThat(inBatch.completions().get(i).tokens())
            .containsExactly(alone.completions().get(i).tokens());
      }
      assertThat(alone.texts().stream().distinct().count())
          .as("the G samples of a group differ")
          .isGreaterThan(1);
    }
  }

  @Test
  void aNewerVersionWithAMatchingChecksumIsLoadedAndChangesTheCompletions() throws Exception {
    Path v1 = StreamFixtures.tinyPolicy(dir, "v1", 2, 1);
    try (RolloutGenerator generator = open(StreamFixtures.tinyPolicy(dir, "v0", 1, 0))) {
      List<ValidPrompt> p = prompts(generator, 2);
      SampledGroup before = generator.generate(p, 1).get(0);
      PolicySwap swap =
          generator.reload(event(1, v1, io.tributary.checkpoint.Checkpoint.sha256(v1)));
      assertThat(swap).isInstanceOf(PolicySwap.Loaded.class);
      assertThat(generator.policyVersion()).isEqualTo(1);
      SampledGroup after = generator.generate(p, 1).get(0);
      assertThat(after.policyVersion()).isEqualTo(1);
      assertThat(after.completions().get(0).logProbs())
          .isNotEqualTo(before.completions().get(0).logProbs());
    }
  }

  @Test
  void aWrongChecksumOrAMissingFileIsRefusedAndAnOlderVersionIgnored() throws Exception {
    Path v1 = StreamFixtures.tinyPolicy(dir, "v1", 2, 1);
    try (RolloutGenerator generator = open(StreamFixtures.tinyPolicy(dir, "v0", 1, 3))) {
      assertThat(generator.reload(event(4, v1, "0".repeat(64))))
          .isInstanceOfSatisfying(
              PolicySwap.Refused.class, r -> assertThat(r.reason()).contains("checksum mismatch"));
      assertThat(generator.reload(event(5, dir.resolve("gone"), "0".repeat(64))))
          .isInstanceOf(PolicySwap.Refused.class);
      assertThat(generator.reload(event(2, v1, io.tributary.checkpoint.Checkpoint.sha256(v1))))
          .isEqualTo(new PolicySwap.Ignored(3, 2));
      assertThat(generator.policyVersion()).isEqualTo(3);
    }
  }

  @Test
  void seedsDependOnGroupAndSampleIndexOnly() {
    assertThat(RolloutGenerator.seed(0, "q1@l1", 0))
        .isEqualTo(RolloutGenerator.seed(0, "q1@l1", 0));
    assertThat(RolloutGenerator.seed(0, "q1@l1", 0))
        .isNotEqualTo(RolloutGenerator.seed(0, "q1@l1", 1));
    assertThat(RolloutGenerator.seed(0, "q1@l1", 0))
        .isNotEqualTo(RolloutGenerator.seed(0, "q1@l2", 0));
    assertThat(RolloutGenerator.seed(0, "q1@l1", 0))
        .isNotEqualTo(RolloutGenerator.seed(1, "q1@l1", 0));
  }

  static PolicyVersionEvent event(long version, Path file, String sha) {
    return new PolicyVersionEvent(version, file.toString(), sha, version, Map.of(), 1);
  }
}
