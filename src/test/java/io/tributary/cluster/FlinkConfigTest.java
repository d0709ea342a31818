package io.tributary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkConfigTest {
  @TempDir Path dir;

  ClusterLayout layout() {
    return new ClusterLayout(dir.resolve("cluster"));
  }

  @Test
  void flinkReadsTheWrittenConfigYamlBackKeyForKey() throws Exception {
    Map<String, String> written =
        FlinkConfig.jobManager(layout(), ClusterConfig.of(2, 3), 6123, 8081);
    Path conf = Files.createDirectories(dir.resolve("conf"));
    FlinkConfig.write(conf, written);

    Configuration read = GlobalConfiguration.loadConfiguration(conf.toString());

    written.forEach((key, value) -> assertThat(read.toMap()).containsEntry(key, value));
    assertThat(Files.readString(conf.resolve("log4j2.properties"))).contains("${sys:log.file}");
  }

  @Test
  void everyProcessBindsToLoopbackAndLoadsDjlParentFirst() {
    Map<String, String> jm = FlinkConfig.jobManager(layout(), ClusterConfig.of(2, 1), 1, 2);
    Map<String, String> tm = FlinkConfig.taskManager(layout(), ClusterConfig.of(2, 1), 1, 1);

    assertThat(jm)
        .containsEntry("jobmanager.bind-host", "127.0.0.1")
        .containsEntry("rest.bind-address", "127.0.0.1")
        .containsEntry("rest.port", "2")
        .containsEntry("classloader.parent-first-patterns.additional", "ai.djl.");
    assertThat(tm)
        .containsEntry("taskmanager.bind-host", "127.0.0.1")
        .containsEntry("taskmanager.resource-id", "taskmanager-1")
        .containsEntry("taskmanager.numberOfTaskSlots", "1")
        .containsEntry("classloader.parent-first-patterns.additional", "ai.djl.");
  }

  @Test
  void theRestServerAcceptsAJobJarWithLibtorchsNatives() {
    Map<String, String> jm = FlinkConfig.jobManager(layout(), ClusterConfig.of(1, 1), 1, 2);
    // the shaded jar is about 165 MiB; Flink's default limit is 100 MiB
    assertThat(MemorySize.parse(jm.get("rest.server.max-content-length")).getMebiBytes())
        .isGreaterThanOrEqualTo(256);
  }

  @Test
  void aTaskManagerCommandHasFlinksMemoryFlagsOpensAndEntryPointButNotTheJob() {
    ClusterLayout.ProcessDirs tm = layout().taskManager(0);
    Map<String, String> config = FlinkConfig.taskManager(layout(), ClusterConfig.of(1, 1), 1, 0);

    List<String> command = FlinkJvm.taskManager(tm, config, "/repo/flink-runtime-2.2.1.jar");

    assertThat(command)
        .contains("-XX:+UseSerialGC", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp")
        .contains("org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir")
        // as the test JVM has it: the rollout job's decode steps use the Java product
        .contains("--add-modules=jdk.incubator.vector")
        .anyMatch(flag -> flag.startsWith("-Xmx"))
        .anyMatch(flag -> flag.startsWith("-XX:MaxDirectMemorySize="))
        .anyMatch(flag -> flag.startsWith("taskmanager.memory.task.heap.size="));
    long heap =
        command.stream()
            .filter(f -> f.startsWith("-Xmx"))
            .mapToLong(f -> Long.parseLong(f.substring(4)))
            .findFirst()
            .orElseThrow();
    assertThat(heap)
        .as("heap of a 1024m TaskManager without managed memory")
        .isBetween(256L << 20, 512L << 20);
  }
}
