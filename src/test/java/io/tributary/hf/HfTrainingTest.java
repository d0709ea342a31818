package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.grpo.AdvantageScaling;
import io.tributary.grpo.GroupSampler;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.LossAggregation;
import io.tributary.grpo.RolloutGroup;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An imported model trains: one GRPO step and one SFT step each change every trainable parameter
 * (tied embeddings, q/k/v biases, q/k norms and every expert included). The character tokenizer's
 * ids fit the fixtures' vocabulary of 160.
 */
class HfTrainingTest {
  static final CharTokenizer TOKENIZER = new CharTokenizer();

  static List<float[]> snapshot(PolicyModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.trainableParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  static void assertEveryTrainableParameterChanged(
      PolicyModel model, List<float[]> before, String family) {
    List<float[]> after = snapshot(model);
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      assertThat(after.get(i))
          .as("%s: %s", family, model.trainableParameters().get(i).getKey())
          .isNotEqualTo(before.get(i));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void oneGrpoStepChangesEveryTrainableParameter(String family) {
    GrpoConfig config =
        new GrpoConfig(
            new SamplingConfig(4, 1.0, 1.0, 0, 12, null),
            8,
            0.2,
            0.28,
            0.0,
            LossAggregation.DAPO,
            AdvantageScaling.GROUP,
            1,
            1,
            false,
            1,
            false,
            0,
            null,
            new OptimizerConfig(1e-2, 1e-2, 0, 100, null, null, null, 0.0, 1.0),
            3L);
    SamplingParams sampling = SamplingParams.of(TOKENIZER, 1.0, 12);
    List<TaskPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prompts.add(new TaskPrompt("p" + i, i + "+" + (i + 2) + "=", "x", "arithmetic", Map.of()));
    }
    try (PolicyModel policy = HfImport.load(HfParityTest.FIXTURES.resolve(family));
        RewardScorer scorer =
            new RewardScorer(
                List.of(
                    new RewardScorer.WeightedReward(
                        "digits",
                        r -> RewardResult.score(digitShare(r.completion())),
                        1.0,
                        Duration.ofSeconds(5))),
                1)) {
      List<RolloutGroup> groups =
          new GroupSampler(TOKENIZER, scorer, sampling, 4, 7).sample(policy, prompts, 0, 0);
      List<float[]> before = snapshot(policy);
      new GrpoTrainer(policy, null, config, sampling, TOKENIZER.pad()).update(groups);
      assertEveryTrainableParameterChanged(policy, before, family);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3"})
  void oneSftStepChangesEveryTrainableParameter(String family) {
    Random random = new Random(4);
    List<SftExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      int[] prompt = new int[4 + random.nextInt(6)];
      int[] completion = new int[4 + random.nextInt(6)];
      for (int j = 0; j < prompt.length; j++) {
        prompt[j] = 3 + random.nextInt(150);
      }
      for (int j = 0; j < completion.length; j++) {
        completion[j] = 3 + random.nextInt(150);
      }
      examples.add(new SftExample(prompt, completion));
    }
    try (PolicyModel model = HfImport.load(HfParityTest.FIXTURES.resolve(family))) {
      List<float[]> before = snapshot(model);
      new SftTrainer(model, OptimizerConfig.of(1e-2, 10), 0).step(examples);
      assertEveryTrainableParameterChanged(model, before, family);
    }
  }

  static double digitShare(String text) {
    return text.isEmpty()
        ? 0
        : text.chars().filter(Character::isDigit).count() / (double) text.length();
  }
}
