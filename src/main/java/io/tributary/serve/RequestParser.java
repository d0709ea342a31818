package io.tributary.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.chat.Message;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI request body into a {@link GenerationRequest}, or refuses it with a 400 naming
 * the parameter: a missing or mistyped field, an unknown model, {@code n < 1}, a budget the context
 * cannot hold. Parameters the server does not implement but that change nothing when left at their
 * defaults ({@code user}, {@code frequency_penalty: 0}, ...) are accepted and ignored.
 */
final class RequestParser {
  /** OpenAI's own limits: at most 4 stop sequences, 5 legacy and 20 chat top log-probs. */
  static final int MAX_STOPS = 4;

  static final int MAX_N = 128;
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");

  private final ServedModel model;

  RequestParser(ServedModel model) {
    this.model = model;
  }

  GenerationRequest completions(JsonNode body) {
    requireObject(body);
    checkModel(body);
    JsonNode prompt = body.get("prompt");
    List<String> texts = new ArrayList<>();
    if (prompt == null || prompt.isNull()) {
      throw ApiError.invalid("prompt", "prompt: missing (expected a string or a list of strings)");
    } else if (prompt.isTextual()) {
      texts.add(prompt.asText());
    } else if (prompt.isArray() && !prompt.isEmpty()) {
      for (JsonNode p : prompt) {
        if (!p.isTextual()) {
          throw ApiError.invalid(
              "prompt", "prompt: list items must be strings (token-id prompts are not supported)");
        }
        texts.add(p.asText());
      }
    } else {
      throw ApiError.invalid(
          "prompt", "prompt: expected a string or a non-empty list of strings, got " + prompt);
    }
    if (bool(body, "echo", false)) {
      throw ApiError.invalid("echo", "echo: not supported by this server");
    }
    List<int[]> prompts = new ArrayList<>();
    for (String t : texts) {
      prompts.add(model.completionPrompt(t));
    }
    Integer logprobs = optionalInt(body, "logprobs", 0, 5);
    return build(body, false, prompts, "prompt", 16, logprobs);
  }

  GenerationRequest chat(JsonNode body) {
    requireObject(body);
    checkModel(body);
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "messages: expected a non-empty list of messages");
    }
    List<Message> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      turns.add(message(messages.get(i), i));
    }
    int[] prompt;
    try {
      prompt = model.chatPrompt(turns);
    } catch (IllegalArgumentException e) { // the template's own raise_exception
      throw ApiError.invalid("messages", e.getMessage());
    }
    Integer topLogprobs = null;
    if (bool(body, "logprobs", false)) {
      Integer top = optionalInt(body, "top_logprobs", 0, 20);
      topLogprobs = top == null ? 0 : top;
    } else if (has(body, "top_logprobs")) {
      throw ApiError.invalid("top_logprobs", "top_logprobs: needs logprobs: true");
    }
    return build(body, true, List.of(prompt), "messages", Integer.MAX_VALUE, topLogprobs);
  }

  private GenerationRequest build(
      JsonNode body,
      boolean chat,
      List<int[]> prompts,
      String promptParam,
      int defaultMaxTokens,
      Integer topLogprobs) {
    int contextLength = model.maxSeqLen();
    int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    int room = contextLength - longest;
    if (room <= 0) {
      throw ApiError.invalid(
          promptParam,
          "This model's maximum context length is "
              + contextLength
              + " tokens; the prompt has "
              + longest
              + ", which leaves no room for a completion",
          "context_length_exceeded");
    }
    String budgetKey = has(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    Integer requested = optionalInt(body, budgetKey, 1, Integer.MAX_VALUE);
    int maxTokens;
    if (requested == null) {
      maxTokens = Math.min(defaultMaxTokens, room);
    } else if (requested > room) {
      throw ApiError.invalid(
          budgetKey,
          "This model's maximum context length is "
              + contextLength
              + " tokens. However, you requested "
              + (longest + requested)
              + " tokens ("
              + longest
              + " in the prompt, "
              + requested
              + " for the completion)",
          "context_length_exceeded");
    } else {
      maxTokens = requested;
    }
    GenerationDefaults defaults = model.defaults();
    Double temperature = optionalDouble(body, "temperature", 0, 2);
    Double topP = optionalDouble(body, "top_p", 0, 1);
    Integer topK = optionalInt(body, "top_k", 0, Integer.MAX_VALUE); // vLLM's extension
    double t = temperature != null ? temperature : defaults.temperature().orElse(1.0);
    double p = topP != null ? topP : defaults.topP().orElse(1.0);
    if (p == 0) { // only the most likely token survives a zero nucleus
      t = 0;
      p = 1;
    }
    int k = topK != null ? topK : defaults.topK().orElse(0);
    Integer n = optionalInt(body, "n", 1, MAX_N);
    Long seed = optionalLong(body, "seed");
    boolean stream = bool(body, "stream", false);
    boolean includeUsage = false;
    JsonNode options = body.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!stream) {
        throw ApiError.invalid("stream_options", "stream_options: only allowed with stream: true");
      }
      if (!options.isObject()) {
        throw ApiError.invalid("stream_options", "stream_options: expected an object");
      }
      includeUsage = bool(options, "include_usage", false);
    }
    SamplingParams params =
        new SamplingParams(
            t,
            p,
            k,
            maxTokens,
            model.stopTokens(),
            model.tokenizer().vocabSize(),
            model.blockedTokens(),
            true);
    return new GenerationRequest(
        chat,
        prompts,
        params,
        n == null ? 1 : n,
        seed,
        stops(body),
        topLogprobs,
        stream,
        includeUsage);
  }

  private Message message(JsonNode m, int index) {
    String where = "messages[" + index + "]";
    if (!m.isObject()) {
      throw ApiError.invalid("messages", where + ": expected an object with role and content");
    }
    JsonNode role = m.get("role");
    if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
      throw ApiError.invalid(
          "messages", where + ".role: expected one of " + ROLES + ", got " + role);
    }
    JsonNode content = m.get("content");
    String text;
    if (content == null || content.isNull()) {
      if (!role.asText().equals("assistant")) {
        throw ApiError.invalid("messages", where + ".content: missing");
      }
      text = null;
    } else if (content.isTextual()) {
      text = content.asText();
    } else if (content.isArray()) {
      StringBuilder joined = new StringBuilder();
      for (JsonNode part : content) {
        if (!part.isObject() || !"text".equals(part.path("type").asText())) {
          throw ApiError.invalid(
              "messages", where + ".content: only text parts ({\"type\": \"text\"}) are supported");
        }
        joined.append(part.path("text").asText());
      }
      text = joined.toString();
    } else {
      throw ApiError.invalid(
          "messages", where + ".content: expected a string or a list of text parts");
    }
    return new Message(role.asText(), text);
  }

  private void checkModel(JsonNode body) {
    JsonNode m = body.get("model");
    if (m == null || m.isNull()) {
      throw ApiError.invalid("model", "model: missing (this server serves '" + model.id() + "')");
    }
    if (!m.isTextual()) {
      throw ApiError.invalid("model", "model: expected a string, got " + m);
    }
    if (!m.asText().equals(model.id())) {
      throw ApiError.invalid(
          "model",
          "The model '" + m.asText() + "' does not exist; this server serves '" + model.id() + "'",
          "model_not_found");
    }
  }

  private static void requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiError.invalid(null, "request body: expected a JSON object");
    }
  }

  private static List<String> stops(JsonNode body) {
    JsonNode stop = body.get("stop");
    List<String> stops = new ArrayList<>();
    if (stop == null || stop.isNull()) {
      return stops;
    }
    if (stop.isTextual()) {
      stops.add(stop.asText());
    } else if (stop.isArray()) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw ApiError.invalid("stop", "stop: list items must be strings, got " + s);
        }
        stops.add(s.asText());
      }
    } else {
      throw ApiError.invalid("stop", "stop: expected a string or a list of strings, got " + stop);
    }
    if (stops.size() > MAX_STOPS) {
      throw ApiError.invalid("stop", "stop: at most " + MAX_STOPS + " sequences");
    }
    if (stops.stream().anyMatch(String::isEmpty)) {
      throw ApiError.invalid("stop", "stop: empty strings are not allowed");
    }
    return stops;
  }

  private static boolean has(JsonNode body, String key) {
    return body.has(key) && !body.get(key).isNull();
  }

  private static boolean bool(JsonNode body, String key, boolean fallback) {
    if (!has(body, key)) {
      return fallback;
    }
    JsonNode v = body.get(key);
    if (!v.isBoolean()) {
      throw ApiError.invalid(key, key + ": expected true or false, got " + v);
    }
    return v.booleanValue();
  }

  private static Integer optionalInt(JsonNode body, String key, int min, int max) {
    if (!has(body, key)) {
      return null;
    }
    JsonNode v = body.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.invalid(key, key + ": expected an integer, got " + v);
    }
    int i = v.intValue();
    if (i < min || i > max) {
      throw ApiError.invalid(
          key,
          key
              + ": "
              + i
              + " is out of range (expected "
              + (max == Integer.MAX_VALUE ? ">= " + min : min + " to " + max)
              + ")");
    }
    return i;
  }

  private static Long optionalLong(JsonNode body, String key) {
    if (!has(body, key)) {
      return null;
    }
    JsonNode v = body.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiError.invalid(key, key + ": expected an integer, got " + v);
    }
    return v.longValue();
  }

  private static Double optionalDouble(JsonNode body, String key, double min, double max) {
    if (!has(body, key)) {
      return null;
    }
    JsonNode v = body.get(key);
    if (!v.isNumber()) {
      throw ApiError.invalid(key, key + ": expected a number, got " + v);
    }
    double d = v.doubleValue();
    if (!(d >= min && d <= max)) {
      throw ApiError.invalid(
          key, key + ": " + d + " is out of range (expected " + min + " to " + max + ")");
    }
    return d;
  }
}
