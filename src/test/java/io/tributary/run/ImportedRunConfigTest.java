package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.chat.ChatTemplate;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.model.ModelConfig;
import io.tributary.policy.PolicySource;
import io.tributary.policy.PromptRendering;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run config on an imported model: {@code model: {hf: DIR}}, a dataset, a chat section, and
 * rewards that score a thinking model's free-text answer.
 */
class ImportedRunConfigTest {
  private static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");

  @TempDir Path dir;

  /** configs/gsm8k.yaml with the user's download replaced by the Qwen3 fixture. */
  private static String gsm8k() throws Exception {
    return Files.readString(Path.of("configs/gsm8k.yaml"))
        .replace("{hf: models/Qwen3-0.6B}", "{hf: " + QWEN3 + "}")
        .replace("maxNewTokens: 512", "maxNewTokens: 256"); // the fixture's context is 512
  }

  @Test
  void theGsm8kConfigBindsAndValidatesOnAnImportedModel() throws Exception {
    RunConfig config = RunConfig.parse(gsm8k(), "gsm8k.yaml");
    assertThat(config.model()).isEqualTo(new PolicySource.HuggingFace(QWEN3));
    assertThat(config.dataset().format()).isEqualTo(PromptDataset.Format.GSM8K);
    assertThat(config.chat().hasSystemPrompt()).isTrue();
    assertThat(config.grpo().lora()).isNotNull();
    ModelConfig architecture = config.validate();
    assertThat(architecture.vocabSize()).isEqualTo(160);
  }

  @Test
  void theLearnerRefusesAFloat16PolicyNamingTheKey() throws Exception {
    String yaml = gsm8k().replace("{hf: " + QWEN3 + "}", "{hf: " + QWEN3 + ", dtype: float16}");
    RunConfig config = RunConfig.parse(yaml, "gsm8k.yaml");

    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.dtype: got 'float16'")
        .hasMessageContaining("float32");
  }

  @Test
  void theSavedConfigOfARunReadsBackTheSame() throws Exception {
    RunConfig config = RunConfig.parse(gsm8k(), "gsm8k.yaml");
    RunConfig again = RunConfig.parse(Yaml.write(config), "saved config.yaml");
    assertThat(again.model()).isEqualTo(config.model());
    // a saved path is absolute, so a resumed run finds its file from any working directory
    assertThat(again.dataset().file()).isEqualTo(config.dataset().file().toAbsolutePath());
    assertThat(again.dataset().heldout()).isEqualTo(config.dataset().heldout());
    assertThat(again.chat()).isEqualTo(config.chat());
  }

  @Test
  void moreEvaluationPromptsThanTheDatasetHoldsOutIsAnErrorNamingBothKeys() throws Exception {
    String yaml = gsm8k().replace("evalPrompts: 40", "evalPrompts: 41");
    assertThatThrownBy(() -> RunConfig.parse(yaml, "gsm8k.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("evalPrompts: got 41")
        .hasMessageContaining("dataset.heldout=40");
  }

  @Test
  void aNewModelCannotColdStartOnADatasetWithoutTraces() throws Exception {
    String yaml =
        gsm8k()
            .replace("{hf: " + QWEN3 + "}", RunFixtures.tinyModel(dir).toString())
            .replace("maxNewTokens: 256", "maxNewTokens: 16")
            .replaceAll("(?s)chat:.*?\nrewards:", "rewards:");
    RunConfig config = RunConfig.parse(yaml, "gsm8k.yaml");
    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sftSteps: got 1500");
  }

  // Qwen3's own chat template (with its licence in the resources' README), not the fixture's
  private static final ChatTemplate QWEN3_TEMPLATE =
      ChatTemplate.fromTokenizerConfig(
          Path.of("src/test/resources/chat-templates/qwen3/tokenizer_config.json"));
  private static final String QUESTION =
      "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes"
          + " muffins for her friends every day with four. She sells the remainder at the farmers'"
          + " market daily for $2 per fresh duck egg. How much in dollars does she make every day"
          + " at the farmers' market?";
  private static final String THOUGHT =
      "<think>\nOkay, so Janet's ducks lay 16 eggs a day. She eats 3 and uses 4 for muffins, so"
          + " 16 - 3 - 4 = 9 eggs are left.\nShe sells each for $2, so 9 * 2 = 18. Let me check:"
          + " 3 + 4 + 9 = 16. Yes.\n</think>\n\n";

  /** One completion scored by the rewards configs/gsm8k.yaml configures, after its prompt. */
  private static RolloutScores scoredByTheGsm8kRewards(String completion) throws Exception {
    RunConfig config = RunConfig.parse(gsm8k(), "gsm8k.yaml");
    String prompt =
        new PromptRendering(Optional.of(QWEN3_TEMPLATE), config.chat()).render(QUESTION);
    assertThat(prompt).endsWith("<|im_start|>assistant\n"); // Qwen3 opens <think> itself
    try (RewardScorer scorer = RewardScorer.fromConfig(config.rewards())) {
      return scorer.score(Rollout.of(prompt, completion, Map.of("answer", "18")));
    }
  }

  @Test
  void aQwen3StyleCompletionWithABoxedAnswerAfterItsThinkBlockGetsFullCredit() throws Exception {
    RolloutScores scores =
        scoredByTheGsm8kRewards(
            THOUGHT
                + "Janet sells 16 - 3 - 4 = 9 eggs a day at $2 each, so she makes"
                + " 9 \\times 2 = \\$18 every day.\n\n\\boxed{18}");

    assertThat(scores.scores()).containsEntry("accuracy", 1.0).containsEntry("format", 1.0);
    assertThat(scores.total()).hasValue(1.2);
  }

  @Test
  void theAnswerIsInFreeTextCountsToo() throws Exception {
    RolloutScores scores = scoredByTheGsm8kRewards(THOUGHT + "The answer is 18.");

    assertThat(scores.scores()).containsEntry("accuracy", 1.0).containsEntry("format", 1.0);
  }

  @Test
  void aWrongBoxedAnswerGetsNoAccuracyCredit() throws Exception {
    RolloutScores scores =
        scoredByTheGsm8kRewards(THOUGHT + "She makes 16 dollars a day.\n\n\\boxed{16}");

    assertThat(scores.scores()).containsEntry("accuracy", 0.0);
  }

  @Test
  void aCompletionCutOffInsideItsThinkBlockIsNotPaidForTheNumberItStoppedOn() throws Exception {
    RolloutScores scores =
        scoredByTheGsm8kRewards("<think>\nShe keeps 16 - 3 - 4 = 9 eggs, and 9 * 2 = 18");

    assertThat(scores.scores()).containsEntry("accuracy", 0.0).containsEntry("format", 0.0);
  }
}
