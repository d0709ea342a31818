package io.tributary.rollout;

import io.tributary.config.ConfigException;

/**
 * The {@code prompts:} section: where prompts come from. {@code from: kafka} reads the prompts
 * topic of the {@code kafka:} section and runs until cancelled; {@code from: file} reads a JSON
 * Lines file of prompt messages (one {@code pipeline/schemas/prompt.schema.json} object per line)
 * and ends when every line has been rolled out.
 */
public record PromptsConfig(PromptOrigin from, String file) {
  /** Where prompts are read from. */
  public enum PromptOrigin {
    KAFKA,
    FILE
  }

  public PromptsConfig {
    from = from == null ? (file == null ? PromptOrigin.KAFKA : PromptOrigin.FILE) : from;
    if (from == PromptOrigin.FILE && (file == null || file.isBlank())) {
      throw ConfigException.badValue("prompts.file", file, "a JSONL file path with from: file");
    }
    if (from == PromptOrigin.KAFKA && file != null) {
      throw ConfigException.badValue(
          "prompts.file", file, "no file with from: kafka (the prompts topic is read)");
    }
  }

  public static PromptsConfig kafka() {
    return new PromptsConfig(PromptOrigin.KAFKA, null);
  }

  public static PromptsConfig file(String path) {
    return new PromptsConfig(PromptOrigin.FILE, path);
  }
}
