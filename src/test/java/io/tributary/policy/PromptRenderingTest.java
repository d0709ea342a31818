package io.tributary.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.chat.ChatTemplate;
import io.tributary.config.ConfigException;
import io.tributary.tasks.TaskPrompt;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A task's prompt as messages, through the model's chat template. */
class PromptRenderingTest {
  private static final ChatTemplate QWEN3 =
      ChatTemplate.fromTokenizerConfig(
          Path.of("src/test/resources/chat-templates/qwen3/tokenizer_config.json"));
  private static final TaskPrompt PROMPT =
      new TaskPrompt(
          "gsm8k-000001", "What is 7 * 6?", "42", "gsm8k", Map.of("solution", "#### 42"));

  @Test
  void theSystemPromptAndTheUserTurnAreRenderedWithTheAssistantTurnOpened() {
    PromptRendering rendering =
        new PromptRendering(
            Optional.of(QWEN3), new ChatConfig("You are a careful math tutor.", null));
    // transformers' apply_chat_template(add_generation_prompt=True) for the same messages
    assertThat(rendering.render(PROMPT).prompt())
        .isEqualTo(
            "<|im_start|>system\nYou are a careful math tutor.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 7 * 6?<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void templateVariablesReachTheTemplateAsKeywordArgumentsDo() {
    PromptRendering rendering =
        new PromptRendering(
            Optional.of(QWEN3), new ChatConfig(null, Map.of("enable_thinking", false)));
    assertThat(rendering.render(PROMPT.prompt()))
        .isEqualTo(
            "<|im_start|>user\nWhat is 7 * 6?<|im_end|>\n<|im_start|>assistant\n"
                + "<think>\n\n</think>\n\n");
  }

  @Test
  void everythingButThePromptTextIsKept() {
    TaskPrompt rendered = new PromptRendering(Optional.of(QWEN3), ChatConfig.none()).render(PROMPT);
    assertThat(rendered.id()).isEqualTo(PROMPT.id());
    assertThat(rendered.answer()).isEqualTo("42");
    assertThat(rendered.task()).isEqualTo("gsm8k");
    assertThat(rendered.extra()).isEqualTo(PROMPT.extra());
  }

  @Test
  void withoutATemplateThePromptStaysAsItIs() {
    PromptRendering rendering = new PromptRendering(Optional.empty(), ChatConfig.none());
    assertThat(rendering.usesTemplate()).isFalse();
    assertThat(rendering.render(PROMPT)).isEqualTo(PROMPT);
  }

  @Test
  void aSystemPromptForAModelWithoutATemplateIsAnErrorNamingTheKey() {
    assertThatThrownBy(
            () -> new PromptRendering(Optional.empty(), new ChatConfig("Be brief.", null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chat.systemPrompt");
  }

  @Test
  void theLoopsOwnTemplateVariablesCannotBeSet() {
    assertThatThrownBy(() -> new ChatConfig(null, Map.of("add_generation_prompt", false)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chat.templateVariables.add_generation_prompt");
  }
}
