package io.tributary.policy;

import static io.tributary.config.ConfigException.badValue;

import java.util.Map;

/**
 * The {@code chat:} section: how a task's prompt becomes the conversation an imported model
 * expects. The prompt is the user turn, after an optional system prompt, rendered by the model's
 * chat template with the assistant's turn opened ({@code add_generation_prompt}); a thinking
 * model's template opens or leaves open the {@code <think>} block itself.
 *
 * @param systemPrompt the system turn before every prompt; null or blank for none
 * @param templateVariables further variables of the template, as transformers passes keyword
 *     arguments of {@code apply_chat_template} (Qwen3: {@code enable_thinking})
 */
public record ChatConfig(String systemPrompt, Map<String, Object> templateVariables) {
  public ChatConfig {
    templateVariables = templateVariables == null ? Map.of() : Map.copyOf(templateVariables);
    for (String reserved : new String[] {"messages", "add_generation_prompt"}) {
      if (templateVariables.containsKey(reserved)) {
        throw badValue(
            "chat.templateVariables." + reserved,
            templateVariables.get(reserved),
            "nothing: the loop sets " + reserved + " itself");
      }
    }
  }

  public static ChatConfig none() {
    return new ChatConfig(null, null);
  }

  public boolean hasSystemPrompt() {
    return systemPrompt != null && !systemPrompt.isBlank();
  }
}
