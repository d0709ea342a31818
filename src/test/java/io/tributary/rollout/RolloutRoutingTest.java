package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingTrace;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardScorer.WeightedReward;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout side records the default MoE policy's routing into the groups it publishes. */
class RolloutRoutingTest {
  private static final SamplingConfig SAMPLING = new SamplingConfig(4, 1.0, 1.0, 0, 12, null);

  @TempDir Path dir;

  private Path defaultPolicy() {
    Path file = dir.resolve("small.ckpt");
    try (PolicyModel model =
        PolicyModel.create(ModelConfig.load(Path.of("configs/model/small.yaml")), 11)) {
      Checkpoint.save(file, model, new CharTokenizer().spec(), 0, 0, Map.of());
    }
    return file;
  }

  @Test
  void theDefaultPolicysGroupsCarryThePromptRoutingOnceAndOneEntryPerCompletionToken() {
    ModelConfig small = ModelConfig.load(Path.of("configs/model/small.yaml"));
    try (RolloutGenerator generator = RolloutGenerator.open(defaultPolicy(), SAMPLING, 1, 3);
        RolloutScoring scoring =
            new RolloutScoring(
                new RewardScorer(
                    List.of(
                        new WeightedReward(
                            "steady", r -> RewardResult.score(0.5), 1.0, Duration.ofSeconds(5))),
                    1,
                    0))) {
      List<ValidPrompt> prompts = RolloutGeneratorTest.prompts(generator, 3);
      for (SampledGroup sampled : generator.generate(prompts, 1)) {
        ScoredGroup group = ((ScoringOutcome.Scored) scoring.score(sampled, SAMPLING, 2)).group();

        RoutingTrace prompt = group.promptRouting();
        assertThat(prompt.tokens()).isEqualTo(group.promptTokenIds().length - 1);
        assertThat(List.of(prompt.moeLayers(), prompt.topK(), prompt.experts()))
            .containsExactly(small.moeLayers(), small.topK(), small.routedExperts());
        for (ScoredGroup.Member m : group.members()) {
          assertThat(m.routing().tokens()).isEqualTo(m.length());
          assertThat(m.routing().moeLayers()).isEqualTo(small.moeLayers());
        }
        // the G rows of a prompt share one prefill, so their prompt routing is one
        assertThat(sampled.completions())
            .allSatisfy(c -> assertThat(c.promptRouting()).isEqualTo(prompt));
        assertThat(MessageCodec.decode(MessageCodec.encode(group), ScoredGroup.class))
            .isEqualTo(group);
      }
    }
  }

  @Test
  void withRecordingOffNoGroupCarriesRouting() {
    try (RolloutGenerator generator =
        RolloutGenerator.open(defaultPolicy(), SAMPLING, 1, 3, false)) {
      SampledGroup sampled =
          generator.generate(RolloutGeneratorTest.prompts(generator, 1), 1).get(0);

      assertThat(sampled.completions())
          .allSatisfy(
              c -> {
                assertThat(c.routing()).isNull();
                assertThat(c.promptRouting()).isNull();
              });
    }
  }
}
