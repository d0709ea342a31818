package io.tributary.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One turn of a conversation as chat templates see it: a {@code role} ("system", "user",
 * "assistant", "tool") and its text.
 */
public record Message(String role, String content) {
  public Message {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("message role: missing (expected system/user/assistant)");
    }
  }

  public static Message system(String content) {
    return new Message("system", content);
  }

  public static Message user(String content) {
    return new Message("user", content);
  }

  public static Message assistant(String content) {
    return new Message("assistant", content);
  }

  /** The dict a Jinja template indexes ({@code message['role']}, {@code message.content}). */
  Map<String, Object> asTemplateValue() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("role", role);
    value.put("content", content);
    return value;
  }
}
