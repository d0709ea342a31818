package io.tributary.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildKafkaTest {
  @TempDir Path runDir;

  @Test
  void theChildBrokerWritesItsAddressServesClientsAndStopsWhenItsStdinCloses() throws Exception {
    long start = System.nanoTime();
    ChildKafka child = ChildKafka.start(runDir, 0, Duration.ofSeconds(90));
    double startSeconds = (System.nanoTime() - start) / 1e9;
    long rssKb = rssKb(child.pid());
    System.out.printf("child broker ready in %.2f s, RSS %d MB%n", startSeconds, rssKb / 1024);
    ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
    try {
      assertThat(child.layout().readAddress()).isEqualTo(child.bootstrapServers());
      assertThat(child.layout().dataDir().resolve("meta.properties")).exists();
      KafkaSettings settings = KafkaSettings.forBootstrap(child.bootstrapServers());
      assertThat(TopicAdmin.ensureTopics(settings)).hasSize(4);
      try (Admin admin = KafkaClients.admin(settings)) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }
    } finally {
      child.close();
    }

    assertThat(handle.isAlive()).isFalse();
    assertThat(child.layout().addressFile()).doesNotExist();
    assertThat(Files.readString(child.layout().logFile())).doesNotContain("ERROR");
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
