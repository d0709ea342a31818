package io.tributary.messages;

import java.util.Map;

/**
 * A prompt to roll out: the text the policy sees plus what the reward functions need to judge a
 * completion (the gold answer and any other task fields, e.g. a test list or a target number). Task
 * fields are strings so that a Flink job can serialize them without Kryo; a structured value is
 * carried as its JSON text.
 *
 * @param promptId unique per prompt; the Kafka key of every rollout of this prompt
 * @param task the task name, e.g. {@code gsm8k} or {@code countdown}
 * @param answer the gold answer, or null when the task has none (e.g. reward-model-only tasks)
 * @param fields further task fields, passed unchanged to the reward functions
 */
public record PromptMessage(
    int schemaVersion,
    String promptId,
    String prompt,
    String task,
    String answer,
    Map<String, String> fields,
    long createdAtMillis)
    implements Message {
  public static final int SCHEMA_VERSION = 1;

  public PromptMessage {
    Require.schemaVersion("prompt", schemaVersion, SCHEMA_VERSION);
    Require.text("promptId", promptId);
    Require.present("prompt", prompt);
    Require.text("task", task);
    fields = Require.copy("fields", fields);
    fields.forEach((k, v) -> Require.present("fields." + k, v));
    Require.nonNegative("createdAtMillis", createdAtMillis);
  }

  public PromptMessage(
      String promptId,
      String prompt,
      String task,
      String answer,
      Map<String, String> fields,
      long createdAtMillis) {
    this(SCHEMA_VERSION, promptId, prompt, task, answer, fields, createdAtMillis);
  }

  @Override
  public String key() {
    return promptId;
  }
}
