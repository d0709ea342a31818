package io.tributary.policy;

import io.tributary.chat.ChatTemplate;
import io.tributary.tasks.TaskPrompt;
import java.util.List;
import java.util.Optional;

/**
 * A task's prompt as the policy sees it. With a chat template, the prompt becomes messages (the
 * system prompt, then the user turn) rendered with the assistant's turn opened, and the rendered
 * text replaces the prompt: it is what the rollout job samples from, what the scored rollout
 * records and what the learner re-encodes, so all three agree token for token. Without one (the
 * project's own policies, trained on bare prompts) the prompt stays as it is.
 */
public final class PromptRendering {
  private final ChatTemplate template;
  private final ChatConfig settings;

  public PromptRendering(Optional<ChatTemplate> template, ChatConfig settings) {
    this.template = template.orElse(null);
    this.settings = settings;
    if (this.template == null && settings.hasSystemPrompt()) {
      throw io.tributary.config.ConfigException.badValue(
          "chat.systemPrompt",
          settings.systemPrompt(),
          "nothing: the model has no chat template to put a system turn in");
    }
  }

  public boolean usesTemplate() {
    return template != null;
  }

  public String render(String prompt) {
    if (template == null) {
      return prompt;
    }
    return template.taskPrompt(settings.systemPrompt(), prompt, settings.templateVariables());
  }

  public TaskPrompt render(TaskPrompt p) {
    return new TaskPrompt(p.id(), render(p.prompt()), p.answer(), p.task(), p.extra());
  }

  public List<TaskPrompt> renderAll(List<TaskPrompt> prompts) {
    return prompts.stream().map(this::render).toList();
  }
}
