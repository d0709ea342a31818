package io.tributary.tasks;

import java.util.Map;

/**
 * One prompt of a task set, one JSON line of a prompt file.
 *
 * @param id unique within its file, stable across runs with the same seed
 * @param prompt the text the policy continues
 * @param answer the gold answer (for countdown, one reference solution among possibly many)
 * @param task the task name, {@link TaskKind#configName()}, which selects the verifier
 * @param extra task-specific fields the verifier and reward functions read (countdown: numbers,
 *     target); never null
 */
public record TaskPrompt(
    String id, String prompt, String answer, String task, Map<String, Object> extra) {

  public TaskPrompt {
    requireText("id", id);
    requireText("prompt", prompt);
    requireText("answer", answer);
    requireText("task", task);
    if (extra != null) {
      for (Map.Entry<String, Object> field : extra.entrySet()) {
        if (field.getValue() == null) {
          throw new IllegalArgumentException(
              "extra." + field.getKey() + ": got null, expected a value");
        }
      }
    }
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          field + ": got " + (value == null ? "nothing" : "an empty string") + ", expected text");
    }
  }
}
