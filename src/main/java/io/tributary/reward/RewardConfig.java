package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.time.Duration;
import java.util.Map;

/**
 * One entry of the {@code rewards} list: which reward, its weight in the total, its parameters and
 * how long it may take on one call before the scorer records a timeout.
 *
 * <pre>
 * - name: accuracy
 *   weight: 1.0
 *   params: {extract: [answer_tag, boxed]}
 *   timeoutMs: 2000
 * </pre>
 */
public record RewardConfig(String name, Double weight, Map<String, Object> params, Long timeoutMs) {
  public static final long DEFAULT_TIMEOUT_MS = 2000;

  public RewardConfig {
    if (name == null || name.isBlank()) {
      throw ConfigException.badValue("name", name, "the name of a reward, e.g. 'accuracy'");
    }
    weight = weight == null ? 1.0 : weight;
    if (!Double.isFinite(weight)) {
      throw ConfigException.badValue("weight", weight, "a finite number");
    }
    params = params == null ? Map.of() : params;
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (e.getValue() == null) {
        throw ConfigException.badValue("params." + e.getKey(), null, "a value (remove the key)");
      }
    }
    params = Map.copyOf(params);
    timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    if (timeoutMs <= 0) {
      throw ConfigException.badValue("timeoutMs", timeoutMs, "a positive number of milliseconds");
    }
  }

  public static RewardConfig of(String name, double weight) {
    return new RewardConfig(name, weight, null, null);
  }

  public Duration timeout() {
    return Duration.ofMillis(timeoutMs);
  }
}
