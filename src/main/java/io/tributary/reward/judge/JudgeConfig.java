package io.tributary.reward.judge;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardParams;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code params} of a {@code judge} entry, checked. {@code baseUrl} is the API root that
 * OpenAI-compatible servers (vLLM, SGLang, hosted APIs) expose, such as {@code
 * http://localhost:8000/v1}; {@code /chat/completions} is appended unless already there. The API
 * key itself is never a param: {@code apiKeyEnv} names the environment variable that holds it.
 */
public record JudgeConfig(
    URI endpoint,
    String model,
    PromptTemplate template,
    String system,
    VerdictFormat verdict,
    double temperature,
    Integer maxTokens,
    int maxConcurrency,
    Duration requestTimeout,
    int retries,
    Duration backoff,
    int cacheSize,
    String apiKeyEnv,
    String goldField,
    String questionField) {

  static final String[] KEYS = {
    "baseUrl",
    "model",
    "template",
    "system",
    "verdict",
    "temperature",
    "maxTokens",
    "maxConcurrency",
    "requestTimeoutMs",
    "retries",
    "backoffMs",
    "cacheSize",
    "apiKeyEnv",
    "goldField",
    "questionField"
  };

  public static JudgeConfig from(RewardParams params) {
    params.allowOnly(KEYS);
    String baseUrl = params.stringValue("baseUrl", null);
    if (baseUrl == null) {
      throw ConfigException.badValue(
          "params.baseUrl", null, "the API root of the judge, e.g. 'http://localhost:8000/v1'");
    }
    String model = params.stringValue("model", null);
    if (model == null) {
      throw ConfigException.badValue("params.model", null, "the model name the endpoint serves");
    }
    VerdictFormat verdict = params.enumValue("verdict", VerdictFormat.class, VerdictFormat.YES_NO);
    String template = params.stringValue("template", null);
    double temperature = params.doubleValue("temperature", 0.0);
    if (temperature < 0) {
      throw ConfigException.badValue("params.temperature", temperature, "a number >= 0");
    }
    Integer maxTokens =
        params.asMap().containsKey("maxTokens")
            ? atLeast(params, "maxTokens", 1, 0)
            : null; // absent: the server's default
    return new JudgeConfig(
        endpoint(baseUrl),
        model,
        template == null ? PromptTemplate.defaultFor(verdict) : new PromptTemplate(template),
        params.stringValue("system", null),
        verdict,
        temperature,
        maxTokens,
        atLeast(params, "maxConcurrency", 1, 8),
        Duration.ofMillis(atLeast(params, "requestTimeoutMs", 1, 30_000)),
        atLeast(params, "retries", 0, 3),
        Duration.ofMillis(atLeast(params, "backoffMs", 0, 500)),
        atLeast(params, "cacheSize", 0, 10_000),
        params.stringValue("apiKeyEnv", null),
        params.stringValue("goldField", "answer"),
        params.stringValue("questionField", null));
  }

  private static int atLeast(RewardParams params, String key, int min, int defaultValue) {
    int value = params.intValue(key, defaultValue);
    if (value < min) {
      throw ConfigException.badValue("params." + key, value, "an integer >= " + min);
    }
    return value;
  }

  private static URI endpoint(String baseUrl) {
    String url = baseUrl.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (!url.endsWith("/chat/completions")) {
      url = url + "/chat/completions";
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw ConfigException.badValue("params.baseUrl", baseUrl, "a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw ConfigException.badValue("params.baseUrl", baseUrl, "an http:// or https:// URL");
    }
    if (uri.getHost() == null) {
      throw ConfigException.badValue("params.baseUrl", baseUrl, "a URL with a host");
    }
    return uri;
  }
}
