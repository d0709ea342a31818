package io.tributary.tasks;

import io.tributary.config.ConfigException;

/**
 * Difficulty of countdown instances: how many numbers are given and how large they and the target
 * are. TinyZero (Pan et al. 2025) uses 3-4 numbers up to 99 with targets up to 99.
 *
 * @param minNumbers fewest numbers given
 * @param maxNumbers most numbers given
 * @param maxNumber largest given number (the smallest is 1)
 * @param minTarget smallest target
 * @param maxTarget largest target
 */
public record CountdownConfig(
    int minNumbers, int maxNumbers, int maxNumber, int minTarget, int maxTarget) {
  public CountdownConfig {
    if (minNumbers < 2 || minNumbers > 6) {
      throw ConfigException.badValue("minNumbers", minNumbers, "2 to 6");
    }
    if (maxNumbers < minNumbers || maxNumbers > 6) {
      throw ConfigException.badValue("maxNumbers", maxNumbers, minNumbers + " to 6");
    }
    if (maxNumber < 2 || maxNumber > 9_999) {
      throw ConfigException.badValue("maxNumber", maxNumber, "2 to 9999");
    }
    if (minTarget < 1) {
      throw ConfigException.badValue("minTarget", minTarget, "at least 1");
    }
    if (maxTarget < minTarget || maxTarget > 99_999) {
      throw ConfigException.badValue("maxTarget", maxTarget, minTarget + " to 99999");
    }
  }

  public static CountdownConfig defaults() {
    return new CountdownConfig(3, 4, 99, 10, 99);
  }
}
