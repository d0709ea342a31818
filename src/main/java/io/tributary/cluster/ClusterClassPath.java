package io.tributary.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The class path of the cluster's JVMs, taken from this program's: what a Flink distribution's
 * {@code lib/} holds (Flink, its logging) plus DJL, never the job. Left out are this project's
 * classes and the parts the shaded job jar brings itself: the Kafka connector, whose package {@code
 * org.apache.flink.} Flink loads parent-first, so a copy here would shadow the job's, and Kafka
 * with its Scala runtime. A job that runs on this class path therefore proves that its jar carries
 * what it needs.
 */
public final class ClusterClassPath {
  /** Maven coordinates (group, artifact prefix) the cluster must not have. */
  private static final List<String[]> JOB_ONLY =
      List.of(
          new String[] {"io.tributary", ""},
          new String[] {"org.apache.flink", "flink-connector-kafka"},
          new String[] {"org.apache.kafka", ""},
          new String[] {"org.scala-lang", ""});

  private ClusterClassPath() {}

  /** This JVM's class path without the job's own entries. */
  public static String ofThisJvm() {
    return String.join(File.pathSeparator, filter(System.getProperty("java.class.path")));
  }

  static List<String> filter(String classPath) {
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .filter(entry -> isJar(Path.of(entry)) && !jobOnly(Path.of(entry)))
        .collect(Collectors.toList());
  }

  /** A directory of classes is this project's build output (or a test's): never the cluster's. */
  private static boolean isJar(Path entry) {
    return entry.getFileName().toString().endsWith(".jar") && !Files.isDirectory(entry);
  }

  static boolean jobOnly(Path jar) {
    return JOB_ONLY.stream().anyMatch(c -> MavenJar.matches(jar, c[0], c[1]));
  }
}
