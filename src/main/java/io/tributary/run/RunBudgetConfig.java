package io.tributary.run;

import static io.tributary.config.ConfigException.badValue;

/**
 * When {@code ./tributary run} stops: after this many seconds of loop time (summed over resumes),
 * or when the learner reaches this policy version, whichever comes first. At least one is set.
 */
public record RunBudgetConfig(Integer seconds, Integer versions) {
  public RunBudgetConfig {
    if (seconds == null && versions == null) {
      throw badValue("budget", "{}", "seconds, versions or both");
    }
    if (seconds != null && seconds <= 0) {
      throw badValue("budget.seconds", seconds, "a positive number of seconds");
    }
    if (versions != null && versions <= 0) {
      throw badValue("budget.versions", versions, "a positive number of policy versions");
    }
  }

  public boolean spent(double elapsedSeconds, long version) {
    return (seconds != null && elapsedSeconds >= seconds)
        || (versions != null && version >= versions);
  }
}
