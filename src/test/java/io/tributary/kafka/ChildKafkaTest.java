package io.tributary.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildKafkaTest {
  @TempDir Path runDir;

  @Test
  void withoutBootstrapServersASessionStartsAChildBrokerThatStopsCleanlyWhenItsStdinCloses()
      throws Exception {
    long start = System.nanoTime();
    KafkaSession session = KafkaSession.open(KafkaConfig.defaults(), runDir);
    double startSeconds = (System.nanoTime() - start) / 1e9;
    ChildKafka child = (ChildKafka) session.broker().orElseThrow();
    System.out.printf(
        "child broker ready with topics in %.2f s, RSS %d MB%n",
        startSeconds, rssKb(child.pid()) / 1024);
    Process process = child.process();
    try {
      assertThat(child.layout().readAddress()).isEqualTo(child.bootstrapServers());
      assertThat(child.layout().dataDir().resolve("meta.properties")).exists();
      KafkaConfig settings = session.settings();
      assertThat(settings.bootstrapServers()).isEqualTo(child.bootstrapServers());
      assertThat(session.topics())
          .extracting(TopicAdmin.TopicState::name)
          .containsExactlyElementsOf(KafkaTopics.DEFAULTS.all());
      try (Admin admin = KafkaClients.admin(settings)) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }

      // what the parent's death does to the pipe; close() would also destroy() after 30 s
      process.getOutputStream().close();

      assertThat(process.waitFor(25, TimeUnit.SECONDS)).as("stopped after stdin closed").isTrue();
      assertThat(process.exitValue()).as("a clean stop, not a kill").isZero();
      assertThat(child.layout().addressFile()).doesNotExist();
      assertThat(Files.readString(child.layout().logFile())).doesNotContain("ERROR");
    } finally {
      session.close();
    }
  }

  @Test
  void theBrokerStopsWhenTheProcessHoldingItsStdinIsKilled() throws Exception {
    // `sleep` stands in for a parent JVM killed by SIGKILL: it holds the write end of the pipe
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        "sleep 600 | exec '%s' -Xmx256m -XX:+UseSerialGC -cp '%s' %s '%s' 0 > '%s' 2>&1"
            .formatted(
                java,
                System.getProperty("java.class.path"),
                BrokerMain.class.getName(),
                runDir,
                runDir.resolve("child.out"));
    Process shell = new ProcessBuilder("sh", "-c", command).start();
    BrokerLayout layout = new BrokerLayout(runDir);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!Files.exists(layout.addressFile()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(layout.addressFile()).as("the broker came up").exists();
      List<ProcessHandle> children = shell.toHandle().children().toList();
      ProcessHandle sleeper = named(children, "sleep");
      ProcessHandle broker = named(children, "java");

      sleeper.destroyForcibly();

      assertThat(broker.onExit().get(25, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(layout.addressFile()).doesNotExist();
    } finally {
      shell.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly();
    }
  }

  private static ProcessHandle named(List<ProcessHandle> processes, String name) {
    return processes.stream()
        .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no child process named " + name + ": " + processes));
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
