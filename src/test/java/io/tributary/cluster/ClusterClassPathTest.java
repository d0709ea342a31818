package io.tributary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterClassPathTest {
  static final String REPO = "/home/u/.m2/repository/";

  static String jar(String group, String artifact, String version) {
    return REPO
        + group.replace('.', '/')
        + "/"
        + artifact
        + "/"
        + version
        + "/"
        + artifact
        + "-"
        + version
        + ".jar";
  }

  @Test
  void theClusterGetsFlinkAndDjlButNeitherTheJobsClassesNorWhatItsJarBrings() {
    String flinkRuntime = jar("org.apache.flink", "flink-runtime", "2.2.1");
    String djl = jar("ai.djl.pytorch", "pytorch-engine", "0.36.0");
    String log4j = jar("org.apache.logging.log4j", "log4j-core", "2.25.3");
    String classPath =
        String.join(
            File.pathSeparator,
            "/repo/target/classes",
            flinkRuntime,
            jar("org.apache.flink", "flink-connector-kafka", "5.0.0-2.2"),
            djl,
            jar("org.apache.kafka", "kafka-clients", "4.2.0"),
            jar("org.apache.kafka", "kafka_2.13", "4.2.0"),
            jar("org.scala-lang", "scala-library", "2.13.17"),
            log4j);

    assertThat(ClusterClassPath.filter(classPath)).containsExactly(flinkRuntime, djl, log4j);
  }

  @Test
  void aJarIsRecognisedByItsPlaceInTheRepositoryNotByItsName() {
    Path connector = Path.of(jar("org.apache.flink", "flink-connector-kafka", "5.0.0-2.2"));

    assertThat(MavenJar.matches(connector, "org.apache.flink", "flink-connector-kafka")).isTrue();
    assertThat(MavenJar.matches(connector, "org.apache.kafka", "")).isFalse();
    assertThat(MavenJar.matches(Path.of("/lib/flink-connector-kafka.jar"), "org.apache.flink", ""))
        .isFalse();
    assertThat(
            List.of(
                MavenJar.matches(
                    Path.of(jar("ai.djl.pytorch", "pytorch-jni", "2.7.1-0.36.0")), "ai.djl", ""),
                MavenJar.matches(
                    Path.of(jar("ai.djl.pytorch", "pytorch-jni", "2.7.1-0.36.0")),
                    "ai.djl.pytorch",
                    "")))
        .as("a group is matched whole, not as a prefix")
        .containsExactly(false, true);
  }
}
