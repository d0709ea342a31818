package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class FinishingJobCheckpointFilterTest {
  static final String LOGGER = "org.apache.flink.runtime.checkpoint.CheckpointFailureManager";

  static Filter.Result filter(Throwable thrown) {
    return FinishingJobCheckpointFilter.create()
        .filter(
            Log4jLogEvent.newBuilder()
                .setLoggerName(LOGGER)
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage("Failed to trigger or complete checkpoint 2"))
                .setThrown(thrown)
                .build());
  }

  @Test
  void dropsACheckpointThatFailedBecauseATaskWasClosingOrNotRunningOrTheJobEnded() {
    assertThat(
            filter(
                new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING)))
        .isEqualTo(Filter.Result.DENY);
    assertThat(
            filter(
                new CheckpointException(
                    "TaskManager received a checkpoint request for unknown task 5b83_0_0.",
                    CheckpointFailureReason.TASK_CHECKPOINT_FAILURE)))
        .isEqualTo(Filter.Result.DENY);
    assertThat(
            filter(
                new CheckpointException(
                    CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_NOT_READY)))
        .isEqualTo(Filter.Result.DENY);
    assertThat(
            filter(new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND)))
        .isEqualTo(Filter.Result.DENY);
  }

  @Test
  void keepsEveryOtherCheckpointFailure() {
    assertThat(filter(new CheckpointException(CheckpointFailureReason.CHECKPOINT_EXPIRED)))
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter(new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED)))
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(
            filter(
                new CheckpointException(
                    "snapshot of operator x failed",
                    CheckpointFailureReason.TASK_CHECKPOINT_FAILURE)))
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter(new IllegalStateException("task is closing")))
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter(null)).isEqualTo(Filter.Result.NEUTRAL);
  }

  static IllegalStateException thrownAt(String message, String className, String method) {
    IllegalStateException e = new IllegalStateException(message);
    e.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement(
              "org.apache.flink.runtime.operators.coordination.SubtaskGatewayImpl",
              "openGatewayAndUnmarkCheckpoint",
              "SubtaskGatewayImpl.java",
              229),
          new StackTraceElement(className, method, "X.java", 277)
        });
    return e;
  }

  @Test
  void dropsTheAbortOfACheckpointTheSourceCoordinatorNeverSaw() {
    String unseen =
        "Trying to open gateway for unseen checkpoint: latest known checkpoint = 4, incoming"
            + " checkpoint = 5";
    String holder = "org.apache.flink.runtime.operators.coordination.OperatorCoordinatorHolder";

    assertThat(filter(thrownAt(unseen, holder, "lambda$notifyCheckpointAborted$3")))
        .isEqualTo(Filter.Result.DENY);
    assertThat(filter(thrownAt(unseen, holder, "notifyCheckpointComplete")))
        .as("the same message from another path")
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(
            filter(
                thrownAt("Gateway for subtask 0 is not ready", holder, "notifyCheckpointAborted")))
        .as("another exception of the abort path")
        .isEqualTo(Filter.Result.NEUTRAL);
  }

  /**
   * Parses src/main/resources/log4j2.xml itself: in tests, the log4j2-test.properties of Flink's
   * test jars takes precedence, so the running configuration is not the shipped one.
   */
  @Test
  void theShippedLog4jConfigurationPutsItOnFlinksCheckpointFailureLogger() throws Exception {
    ConfigurationSource source =
        ConfigurationSource.fromResource("log4j2.xml", getClass().getClassLoader());
    LoggerContext context = new LoggerContext("shipped log4j2.xml");
    try {
      XmlConfiguration config = new XmlConfiguration(context, source);
      config.initialize();
      LoggerConfig logger = config.getLoggerConfig(LOGGER);
      assertThat(logger.getName()).isEqualTo(LOGGER);
      assertThat(logger.getLevel()).isEqualTo(Level.WARN);
      assertThat(logger.getFilter()).isInstanceOf(FinishingJobCheckpointFilter.class);
      LoggerConfig rpc =
          config.getLoggerConfig("org.apache.flink.runtime.rpc.pekko.FencedPekkoRpcActor");
      assertThat(rpc.getName()).isEqualTo("org.apache.flink.runtime.rpc.pekko.FencedPekkoRpcActor");
      assertThat(rpc.getFilter()).isInstanceOf(FinishingJobCheckpointFilter.class);
      assertThat(config.getLoggerConfig("org.apache.flink.runtime.taskmanager.Task").getFilter())
          .as("other Flink loggers")
          .isNull();
    } finally {
      context.stop();
    }
  }
}
