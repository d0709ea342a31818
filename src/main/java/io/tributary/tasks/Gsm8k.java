package io.tributary.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads GSM8K-format JSONL (Cobbe et al. 2021, github.com/openai/grade-school-math): each line has
 * {@code question} and {@code answer}, where the answer is a worked solution ending in {@code ####
 * <final answer>}. The gold answer is that final number with thousands separators removed.
 */
public final class Gsm8k {
  private static final String MARKER = "####";
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private Gsm8k() {}

  /** Prompts with ids {@code gsm8k-<line>}, task {@code gsm8k}, the solution in extra. */
  public static List<TaskPrompt> load(Path file) {
    return Jsonl.readLines(
        file, (json, lineNumber) -> parse(Json.mapper().readTree(json), lineNumber));
  }

  private static TaskPrompt parse(JsonNode node, int lineNumber) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("got " + node.getNodeType() + ", expected a JSON object");
    }
    String question = text(node, "question");
    String solution = text(node, "answer");
    int marker = solution.lastIndexOf(MARKER);
    if (marker < 0) {
      throw new IllegalArgumentException(
          "field 'answer': no '" + MARKER + "' before the final answer");
    }
    String finalAnswer = solution.substring(marker + MARKER.length()).trim().replace(",", "");
    if (!NUMBER.matcher(finalAnswer).matches()) {
      throw new IllegalArgumentException(
          "field 'answer': got '" + finalAnswer + "' after '" + MARKER + "', expected a number");
    }
    String id = String.format("gsm8k-%06d", lineNumber);
    return new TaskPrompt(
        id, question, finalAnswer, TaskKind.GSM8K.configName(), Map.of("solution", solution));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(
          "field '" + field + "': got " + (value == null ? "nothing" : value) + ", expected text");
    }
    return value.asText();
  }
}
