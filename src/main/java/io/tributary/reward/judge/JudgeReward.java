package io.tributary.reward.judge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.ConfigException;
import io.tributary.json.Json;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

/**
 * A generative reward model behind an OpenAI-compatible chat-completions endpoint: the prompt
 * template is filled with the question, the gold answer and the completion, sent at temperature 0
 * by default, and the reply's verdict (yes/no or a score) becomes the score in [0, 1].
 *
 * <p>No verdict means an error, never a zero: an unreachable endpoint, a server that keeps failing,
 * a timeout or an unreadable reply throws a {@link JudgeException}, which the scorer records with
 * its reason. Verdicts are cached by the SHA-256 of the request body.
 */
public final class JudgeReward implements RewardFunction {
  private final JudgeConfig settings;
  private final ChatCompletionsClient client;
  private final ResponseCache cache;

  private JudgeReward(JudgeConfig settings, String apiKey) {
    this.settings = settings;
    this.client =
        new ChatCompletionsClient(
            settings.endpoint(),
            settings.requestTimeout(),
            settings.retries(),
            settings.backoff(),
            settings.maxConcurrency(),
            apiKey);
    this.cache = new ResponseCache(settings.cacheSize());
  }

  /**
   * The judge with its API key read from {@code environment} (a lookup such as {@code
   * System::getenv}) under the variable that {@code apiKeyEnv} names.
   */
  public static JudgeReward create(JudgeConfig settings, UnaryOperator<String> environment) {
    String apiKey = null;
    if (settings.apiKeyEnv() != null) {
      apiKey = environment.apply(settings.apiKeyEnv());
      if (apiKey == null || apiKey.isBlank()) {
        throw ConfigException.badValue(
            "params.apiKeyEnv",
            settings.apiKeyEnv(),
            "the name of a set environment variable holding the API key (it is not set)");
      }
    }
    return new JudgeReward(settings, apiKey == null ? null : apiKey.strip());
  }

  @Override
  public RewardResult score(Rollout rollout) {
    String gold = "";
    if (settings.template().uses(PromptTemplate.Slot.GOLD)) {
      Object value = rollout.fields().get(settings.goldField());
      if (value == null) {
        return RewardResult.notApplicable(
            "the judge's prompt needs the field '" + settings.goldField() + "'");
      }
      gold = text(value);
    }
    String question = rollout.prompt();
    if (settings.questionField() != null) {
      Object value = rollout.fields().get(settings.questionField());
      if (value == null) {
        return RewardResult.notApplicable(
            "the judge's prompt needs the field '" + settings.questionField() + "'");
      }
      question = text(value);
    }
    String body = requestBody(settings.template().fill(question, gold, rollout.completion()));
    String key = ResponseCache.key(body);
    OptionalDouble cached = cache.get(key);
    if (cached.isPresent()) {
      return RewardResult.score(cached.getAsDouble());
    }
    String reply = client.complete(body);
    OptionalDouble score = settings.verdict().read(reply);
    if (score.isEmpty()) {
      throw new JudgeException(
          "unreadable verdict: expected "
              + settings.verdict()
              + " ("
              + settings.verdict().instruction()
              + "), the judge replied "
              + abbreviate(reply));
    }
    cache.put(key, score.getAsDouble());
    return RewardResult.score(score.getAsDouble());
  }

  /** The JSON sent; field order is fixed, so equal requests hash equal. */
  String requestBody(String prompt) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("model", settings.model());
    ArrayNode messages = body.putArray("messages");
    if (settings.system() != null) {
      messages.addObject().put("role", "system").put("content", settings.system());
    }
    messages.addObject().put("role", "user").put("content", prompt);
    body.put("temperature", settings.temperature());
    if (settings.maxTokens() != null) {
      body.put("max_tokens", settings.maxTokens());
    }
    body.put("stream", false);
    return Json.write(body);
  }

  private static String text(Object value) {
    return value instanceof String s ? s : Json.write(value);
  }

  private static String abbreviate(String s) {
    String line = s.strip().replaceAll("\\s+", " ");
    return line.length() <= 120 ? "'" + line + "'" : "'" + line.substring(0, 117) + "...'";
  }

  /** Names the endpoint and model; the API key is not part of it. */
  @Override
  public String toString() {
    return "judge["
        + settings.model()
        + " at "
        + settings.endpoint()
        + ", "
        + settings.verdict()
        + "]";
  }

  /** {@code judge}: see {@link JudgeConfig} for the params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "judge";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      return JudgeReward.create(JudgeConfig.from(params), System::getenv);
    }
  }
}
