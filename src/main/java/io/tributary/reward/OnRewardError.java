package io.tributary.reward;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.tributary.config.ConfigException;

/**
 * What happens to a group when a reward function throws or times out on one of its members: that
 * member has no total, so the group has no advantages. It goes to the dead letters with the
 * function's name and reason, or its failed calls are first made again ({@code rewardsConfig
 * rescoreAttempts} times) and it goes to the dead letters only if they still fail. Never is such a
 * member trained with a total of 0: in a group that answered correctly that would be a negative
 * advantage for a correct answer.
 */
public enum OnRewardError {
  DEAD_LETTER("deadLetter"),
  RESCORE("rescore");

  private final String configName;

  OnRewardError(String configName) {
    this.configName = configName;
  }

  @JsonValue
  public String configName() {
    return configName;
  }

  @JsonCreator
  public static OnRewardError fromConfig(String name) {
    for (OnRewardError value : values()) {
      if (value.configName.equals(name)) {
        return value;
      }
    }
    throw ConfigException.badValue("onError", name, "deadLetter or rescore");
  }
}
