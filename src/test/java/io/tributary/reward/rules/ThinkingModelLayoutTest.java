package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.chat.ChatTemplate;
import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layout rewards on what a thinking model really produces: prompts rendered by the real chat
 * templates of Qwen3 and DeepSeek-V3 (and by their thinking variants, whose generation prompt ends
 * in {@code <think>\n}), and completions that a byte-level BPE tokenizer with the models' added
 * tokens encodes and decodes, the think tags being tokens of their own.
 */
class ThinkingModelLayoutTest {
  private static final Path TEMPLATES = Path.of("src/test/resources/chat-templates");
  private static final Path BPE = Path.of("src/test/resources/tokenizers/thinking/tokenizer.json");
  private static final String QUESTION = "What is 7 * 6?";

  private static final HfTokenizer QWEN3_TOKENIZER =
      HfTokenizer.load(BPE, "<|endoftext|>", "<|im_end|>", "<|endoftext|>");
  private static final HfTokenizer DEEPSEEK_TOKENIZER =
      HfTokenizer.load(BPE, "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜end▁of▁sentence｜>");

  private static ChatTemplate qwen3() {
    return ChatTemplate.read(TEMPLATES.resolve("qwen3"));
  }

  private static ChatTemplate deepSeekV3() {
    return ChatTemplate.read(TEMPLATES.resolve("deepseek-v3"));
  }

  /**
   * Qwen3's template with the generation prompt of its thinking-only models: the assistant's turn
   * opens with {@code <think>\n}.
   */
  private static ChatTemplate qwen3Thinking() {
    ChatTemplate base = qwen3();
    String opened =
        replaceOnce(
            base.source(),
            "{{- '<|im_start|>assistant\\n' }}",
            "{{- '<|im_start|>assistant\\n<think>\\n' }}");
    return new ChatTemplate(opened, base.specialTokens());
  }

  /**
   * DeepSeek-V3's template with DeepSeek-R1's generation prompt, {@code <｜Assistant｜><think>\n}.
   */
  private static ChatTemplate deepSeekR1() {
    ChatTemplate base = deepSeekV3();
    String opened =
        replaceOnce(
            base.source(),
            "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}",
            "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}"
                + "{% endif %}");
    return new ChatTemplate(opened, base.specialTokens());
  }

  private static String replaceOnce(String text, String from, String to) {
    assertThat(text).as("the template's generation prompt").contains(from);
    return text.replace(from, to);
  }

  /** What the sampler hands the reward: the model's tokens, EOS last, decoded. */
  private static String sampled(HfTokenizer tokenizer, String text) {
    int[] ids = tokenizer.encode(text);
    int[] withEos = Arrays.copyOf(ids, ids.length + 1);
    withEos[ids.length] = tokenizer.eos();
    return tokenizer.decode(withEos);
  }

  private static double score(RewardFunction reward, String prompt, String completion) {
    RewardResult result = reward.score(Rollout.of(prompt, completion, Map.of()));
    return ((RewardResult.Score) result).value();
  }

  private static RewardFunction format(Map<String, Object> params) {
    return new FormatReward.Provider().create(new RewardParams(params));
  }

  private static RewardFunction tagCount(Map<String, Object> params) {
    return new TagCountReward.Provider().create(new RewardParams(params));
  }

  @Test
  void theThinkTagsAreTokensOfTheirOwnAndSurviveDecoding() {
    assertThat(QWEN3_TOKENIZER.encode("<think>")).hasSize(1);
    assertThat(QWEN3_TOKENIZER.encode("</think>")).hasSize(1);
    String text = "<think>\nsix sevens\n</think>\n\nThe answer is 42.";
    assertThat(sampled(QWEN3_TOKENIZER, text)).isEqualTo(text);
    assertThat(sampled(DEEPSEEK_TOKENIZER, text)).isEqualTo(text);
  }

  @Test
  void aCompletionInsideAThinkBlockThePromptOpenedEarnsTheFullFormatReward() {
    String prompt = qwen3Thinking().taskPrompt(null, QUESTION, Map.of());
    assertThat(prompt).endsWith("<|im_start|>assistant\n<think>\n");
    String completion =
        sampled(QWEN3_TOKENIZER, "six sevens are 42\n</think>\n<answer>\n42\n</answer>");

    assertThat(score(format(Map.of()), prompt, completion)).isEqualTo(1.0);
    assertThat(score(tagCount(Map.of()), prompt, completion)).isEqualTo(1.0);
    // judged as it stands, the same completion lacks its opening tag
    Map<String, Object> asItStands = Map.of("thinkOpenedBy", "completion");
    assertThat(score(format(asItStands), prompt, completion)).isZero();
    assertThat(score(tagCount(asItStands), prompt, completion)).isEqualTo(0.75);
  }

  @Test
  void deepSeekR1sOpenedThinkBlockWithAFreeTextAnswerAsR1WritesIt() {
    String prompt = deepSeekR1().taskPrompt(null, QUESTION, Map.of());
    assertThat(prompt).endsWith("<｜Assistant｜><think>\n");
    String completion =
        sampled(DEEPSEEK_TOKENIZER, "six sevens are 42\n</think>\n\nThe answer is 42.");
    Map<String, Object> freeText = Map.of("answerTags", List.of());

    assertThat(score(format(freeText), prompt, completion)).isEqualTo(1.0);
    assertThat(score(tagCount(freeText), prompt, completion)).isEqualTo(1.0);
    // with R1-Zero's answer tags expected, the same turn has none
    assertThat(score(format(Map.of()), prompt, completion)).isZero();
    assertThat(score(tagCount(Map.of()), prompt, completion)).isCloseTo(1.0 / 3, within());
  }

  @Test
  void aCompletionThatOpensTheBlockAgainFailsTheFormat() {
    String prompt = deepSeekR1().taskPrompt(null, QUESTION, Map.of());
    String completion =
        sampled(DEEPSEEK_TOKENIZER, "<think>\nsix sevens\n</think>\n<answer>\n42\n</answer>");

    assertThat(score(format(Map.of()), prompt, completion)).isZero();
  }

  @Test
  void theOriginalTemplatesLeaveTheOpeningTagToTheModel() {
    String qwen = qwen3().taskPrompt(null, QUESTION, Map.of());
    String deepSeek = deepSeekV3().taskPrompt(null, QUESTION, Map.of());
    String text = "<think>\nsix sevens are 42\n</think>\n\n42";
    Map<String, Object> freeText = Map.of("answerTags", List.of());

    assertThat(score(format(freeText), qwen, sampled(QWEN3_TOKENIZER, text))).isEqualTo(1.0);
    assertThat(score(format(freeText), deepSeek, sampled(DEEPSEEK_TOKENIZER, text))).isEqualTo(1.0);
    assertThat(score(tagCount(freeText), qwen, sampled(QWEN3_TOKENIZER, text))).isEqualTo(1.0);
    // a think block the model never closed
    assertThat(
            score(format(freeText), qwen, sampled(QWEN3_TOKENIZER, "<think>\nsix sevens are 42")))
        .isZero();
  }

  @Test
  void withThinkingDisabledQwen3sEmptyThinkBlockIsThePromptsAndTheCompletionHasNone() {
    String prompt = qwen3().taskPrompt(null, QUESTION, Map.of("enable_thinking", false));
    assertThat(prompt).endsWith("<think>\n\n</think>\n\n");
    String completion = sampled(QWEN3_TOKENIZER, "42");

    assertThat(score(format(Map.of("answerTags", List.of())), prompt, completion)).isZero();
    assertThat(score(tagCount(Map.of("answerTags", List.of())), prompt, completion)).isZero();
  }

  @Test
  void aModelsOwnTagsAreConfigurable() {
    Map<String, Object> params =
        Map.of(
            "thinkTags",
            List.of("<reasoning>", "</reasoning>"),
            "answerTags",
            List.of("<solution>", "</solution>"));
    String completion =
        sampled(
            QWEN3_TOKENIZER, "<reasoning>\nsix sevens\n</reasoning>\n<solution>\n42\n</solution>");

    assertThat(score(format(params), "q", completion)).isEqualTo(1.0);
    assertThat(score(tagCount(params), "q", completion)).isEqualTo(1.0);
    assertThat(score(format(Map.of()), "q", completion)).isZero();
  }

  @Test
  void thinkOpenedByPromptPutsTheTagBackWhenTheRecordedPromptIsTheRawQuestion() {
    Map<String, Object> params = Map.of("thinkOpenedBy", "prompt");
    String completion = "six sevens\n</think>\n<answer>\n42\n</answer>";

    assertThat(score(format(params), QUESTION, completion)).isEqualTo(1.0);
    assertThat(score(format(Map.of()), QUESTION, completion)).isZero();
  }

  @Test
  void badLayoutParamsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> format(Map.of("thinkTags", List.of("<think>"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.thinkTags")
        .hasMessageContaining("[open, close]");
    assertThatThrownBy(() -> tagCount(Map.of("answerTags", List.of("<a>", ""))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.answerTags[1]");
    assertThatThrownBy(() -> format(Map.of("thinkOpenedBy", "template")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.thinkOpenedBy")
        .hasMessageContaining("[auto, prompt, completion]");
    assertThatThrownBy(() -> tagCount(Map.of("newlines", true)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'newlines'");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
