package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.checkpoint.CheckpointException;
import io.tributary.config.Yaml;
import io.tributary.kafka.KafkaConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults a run reports clearly, before it starts anything else. */
class RunFaultsTest {
  @TempDir Path dir;

  @Test
  void anUnreachableBrokerIsRetriedWithBackoffThenReportedWithItsAddress() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    KafkaConfig nowhere = KafkaConfig.forBootstrap("127.0.0.1:1");
    assertThatThrownBy(
            () ->
                KafkaConnect.open(
                    nowhere, dir, new PrintStream(printed, true), 2, Duration.ofMillis(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Kafka at 127.0.0.1:1: unreachable after 2 attempts");
    org.assertj.core.api.Assertions.assertThat(printed.toString())
        .contains("attempt 1 of 2 failed")
        .contains("retrying");
  }

  @Test
  void aCorruptColdStartCheckpointIsAnErrorNamingTheFile() throws Exception {
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    RunConfig config =
        RunConfig.parse(RunFixtures.tinyRun(RunFixtures.tinyModel(dir), "{}", 2), "t");
    Files.writeString(run.resolve(RunLoop.CONFIG_FILE), Yaml.write(config));
    Files.writeString(run.resolve(RunLoop.SFT_CHECKPOINT), "not a checkpoint");
    assertThatThrownBy(() -> RunLoop.resume(run, new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(RunLoop.SFT_CHECKPOINT)
        .hasMessageContaining("not a Tributary checkpoint");
  }

  @Test
  void aMissingColdStartCheckpointBesidePolicyVersionsIsAnError() throws Exception {
    Path run = dir.resolve("run");
    Files.createDirectories(run.resolve(RunLoop.POLICIES));
    RunConfig config =
        RunConfig.parse(RunFixtures.tinyRun(RunFixtures.tinyModel(dir), "{}", 2), "t");
    Files.writeString(run.resolve(RunLoop.CONFIG_FILE), Yaml.write(config));
    Files.writeString(run.resolve(RunLoop.POLICIES).resolve("policy-v00000003.ckpt"), "torn");
    assertThatThrownBy(() -> RunLoop.resume(run, new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(RunLoop.SFT_CHECKPOINT + ": missing");
  }
}
