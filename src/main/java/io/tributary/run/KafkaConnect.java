package io.tributary.run;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Opens the run's Kafka session, retrying an unreachable cluster with exponential backoff (1, 2, 4,
 * 8 s) before giving up with a message that names the servers and the last error.
 */
final class KafkaConnect {
  static final int ATTEMPTS = 5;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private KafkaConnect() {}

  static KafkaSession open(KafkaConfig settings, Path runDir, PrintStream out)
      throws InterruptedException {
    return open(settings, runDir, out, ATTEMPTS, FIRST_BACKOFF);
  }

  static KafkaSession open(
      KafkaConfig settings, Path runDir, PrintStream out, int attempts, Duration firstBackoff)
      throws InterruptedException {
    String where =
        settings.startsOwnBroker()
            ? "Tributary's own broker in " + runDir
            : "Kafka at " + settings.bootstrapServers();
    Duration backoff = firstBackoff;
    RuntimeException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (!settings.startsOwnBroker()) {
          probe(settings);
        }
        return KafkaSession.open(settings, runDir);
      } catch (RuntimeException e) {
        last = e;
        if (attempt < attempts) {
          out.printf(
              "%s: attempt %d of %d failed (%s); retrying in %d s%n",
              where, attempt, attempts, ExceptionUtils.getRootCauseMessage(e), backoff.toSeconds());
          Thread.sleep(backoff.toMillis());
          backoff = backoff.multipliedBy(2);
        }
      }
    }
    throw new IllegalStateException(
        where
            + ": unreachable after "
            + attempts
            + " attempts: "
            + ExceptionUtils.getRootCauseMessage(last),
        last);
  }

  /** Fails within {@link #PROBE_TIMEOUT} when no broker answers (topic creation waits longer). */
  private static void probe(KafkaConfig settings) {
    Properties p = KafkaClients.adminProperties(settings);
    int ms = (int) PROBE_TIMEOUT.toMillis();
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "no broker answered within " + PROBE_TIMEOUT.toSeconds() + " s", e);
    }
  }
}
