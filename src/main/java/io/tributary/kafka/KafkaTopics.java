package io.tributary.kafka;

import io.tributary.config.ConfigException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The names of Tributary's four topics; every one is configurable, none may repeat. */
public record KafkaTopics(
    String prompts, String scoredRollouts, String policyVersions, String deadLetters) {
  // Kafka's own rule (org.apache.kafka.common.internals.Topic): legal characters, at most 249
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** A topic left out of the config gets its default name. */
  public static final KafkaTopics DEFAULTS = new KafkaTopics(null, null, null, null);

  public KafkaTopics {
    prompts = name("prompts", prompts, "tributary.prompts");
    scoredRollouts = name("scoredRollouts", scoredRollouts, "tributary.scored-rollouts");
    policyVersions = name("policyVersions", policyVersions, "tributary.policy-versions");
    deadLetters = name("deadLetters", deadLetters, "tributary.dead-letters");
    Set<String> seen = new HashSet<>();
    for (String topic : List.of(prompts, scoredRollouts, policyVersions, deadLetters)) {
      if (!seen.add(topic)) {
        throw ConfigException.badValue("topics", topic, "four different topic names");
      }
    }
  }

  public List<String> all() {
    return List.of(prompts, scoredRollouts, policyVersions, deadLetters);
  }

  private static String name(String key, String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (!LEGAL.matcher(value).matches() || value.equals(".") || value.equals("..")) {
      throw ConfigException.badValue(
          "topics." + key, value, "a Kafka topic name: 1-249 of [a-zA-Z0-9._-]");
    }
    return value;
  }
}
