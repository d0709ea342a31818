package io.tributary.reward.judge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Verdicts already paid for, keyed by the SHA-256 of the request body (model, messages, sampling
 * settings), so that a repeated rollout (GRPO groups often hold identical completions) is judged
 * once. Bounded: the least recently used entry goes first. Only readable verdicts are kept; a
 * failure is asked again next time. Thread-safe.
 */
final class ResponseCache {
  private final int capacity;
  private final Map<String, Double> entries;

  ResponseCache(int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > ResponseCache.this.capacity;
          }
        };
  }

  static String key(String requestBody) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(requestBody.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  synchronized OptionalDouble get(String key) {
    Double score = entries.get(key);
    return score == null ? OptionalDouble.empty() : OptionalDouble.of(score);
  }

  synchronized void put(String key, double score) {
    if (capacity > 0) {
      entries.put(key, score);
    }
  }

  synchronized int size() {
    return entries.size();
  }
}
