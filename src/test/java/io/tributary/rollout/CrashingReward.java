package io.tributary.rollout;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reward plug-in, found by name like any other, that fails on the completions containing {@code
 * marker}: it throws, or with {@code sleepMs} outlasts its timeout, on its first {@code failures}
 * such calls (every one by default) and scores 1 for a completion containing "2" otherwise. It is
 * not registered for the whole test classpath; {@link #classLoader} makes it visible to the code
 * that loads providers through the thread's context class loader, as the rollout job's operators
 * do.
 */
public final class CrashingReward implements RewardProvider {
  static final String NAME = "crashing";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RewardFunction create(RewardParams params) {
    params.allowOnly("marker", "failures", "sleepMs");
    String marker = params.stringValue("marker", "!");
    int failures = params.intValue("failures", Integer.MAX_VALUE);
    int sleepMs = params.intValue("sleepMs", 0);
    AtomicInteger failed = new AtomicInteger();
    return rollout -> {
      if (rollout.completion().contains(marker) && failed.getAndIncrement() < failures) {
        if (sleepMs == 0) {
          throw new IllegalStateException("grader crashed on '" + rollout.completion() + "'");
        }
        try {
          Thread.sleep(sleepMs);
        } catch (InterruptedException e) {
          throw new IllegalStateException("interrupted", e);
        }
      }
      return RewardResult.score(rollout.completion().contains("2") ? 1.0 : 0.0);
    };
  }

  /** A class loader under the test's that also lists this provider as a reward plug-in. */
  static ClassLoader classLoader(Path dir) {
    try {
      Path services = dir.resolve("META-INF/services");
      Files.createDirectories(services);
      Files.writeString(
          services.resolve(RewardProvider.class.getName()), CrashingReward.class.getName() + "\n");
      return new URLClassLoader(
          new URL[] {dir.toUri().toURL()}, CrashingReward.class.getClassLoader());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
