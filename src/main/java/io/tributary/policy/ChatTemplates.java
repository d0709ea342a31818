package io.tributary.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.chat.ChatTemplate;
import io.tributary.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The chat template of a model directory, where it has one (base models often have none). */
final class ChatTemplates {
  private ChatTemplates() {}

  static Optional<ChatTemplate> of(Path dir) {
    if (Files.isRegularFile(dir.resolve("chat_template.jinja"))) {
      return Optional.of(ChatTemplate.read(dir));
    }
    Path config = dir.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    JsonNode template;
    try {
      template = Json.mapper().readTree(Files.readString(config)).get("chat_template");
    } catch (IOException e) {
      throw new IllegalArgumentException(config + ": not valid JSON: " + e.getMessage(), e);
    }
    return template == null || template.isNull()
        ? Optional.empty()
        : Optional.of(ChatTemplate.read(dir));
  }
}
