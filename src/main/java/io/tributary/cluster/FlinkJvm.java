package io.tributary.cluster;

import io.tributary.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * The command line of one Flink process, as Flink's {@code bin/} scripts build it: the JVM's memory
 * flags and the dynamic memory properties computed by Flink's own process utilities from the config
 * (what {@code BashJavaUtils} prints for the scripts), Flink's {@code --add-opens} list, a log
 * file, the cluster class path, then the entry point with {@code --configDir}.
 */
final class FlinkJvm {
  /**
   * Flink's default {@code env.java.default-opts.all} (the {@code config.yaml} of its binary
   * distribution): the JDK internals its serializers, RPC and Kryo reach into on Java 17.
   */
  static final List<String> FLINK_JAVA_OPENS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private FlinkJvm() {}

  static List<String> jobManager(
      ClusterLayout.ProcessDirs dirs, Map<String, String> config, String classPath) {
    Configuration flink = FlinkConfig.toFlink(config);
    JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(flink);
    return command(
        dirs,
        words(JobManagerProcessUtils.generateJvmParametersStr(spec, flink)),
        classPath,
        StandaloneSessionClusterEntrypoint.class.getName(),
        words(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
  }

  static List<String> taskManager(
      ClusterLayout.ProcessDirs dirs, Map<String, String> config, String classPath) {
    TaskExecutorProcessSpec spec =
        TaskExecutorProcessUtils.processSpecFromConfig(FlinkConfig.toFlink(config));
    return command(
        dirs,
        words(ProcessMemoryUtils.generateJvmParametersStr(spec)),
        classPath,
        TaskManagerRunner.class.getName(),
        words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
  }

  private static List<String> command(
      ClusterLayout.ProcessDirs dirs,
      List<String> memoryFlags,
      String classPath,
      String main,
      List<String> dynamicProperties) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.addAll(memoryFlags);
    // small heaps on a shared machine: the serial collector keeps a process's footprint lowest
    c.add("-XX:+UseSerialGC");
    c.addAll(FLINK_JAVA_OPENS);
    c.addAll(ChildJvm.inheritedModules()); // a TaskManager's decode uses the same kernel
    c.add("-Dlog.file=" + dirs.logFile());
    c.add("-Dlog4j.configurationFile=" + dirs.conf().resolve("log4j2.properties").toUri());
    // DJL's settings of this program (offline, libtorch threads) reach the TaskManagers
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("ai.djl."))
        .sorted()
        .forEach(name -> c.add("-D" + name + "=" + System.getProperty(name)));
    c.add("-cp");
    c.add(classPath);
    c.add(main);
    c.add("--configDir");
    c.add(dirs.conf().toString());
    c.addAll(dynamicProperties);
    return c;
  }

  private static List<String> words(String flags) {
    return Arrays.stream(flags.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * Starts the process in its working directory with its output appended to its {@code .out} file
   * and its pid written beside it. Its standard input is empty: it does not stop with this JVM.
   */
  static Process start(ClusterLayout.ProcessDirs dirs, List<String> command) {
    try {
      Files.writeString(
          dirs.root().resolve("command"), String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      Process process =
          new ProcessBuilder(command)
              .directory(dirs.work().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dirs.outFile().toFile()))
              .redirectErrorStream(true)
              .start();
      Files.writeString(dirs.pidFile(), Long.toString(process.pid()), StandardCharsets.UTF_8);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + dirs.name(), e);
    }
  }
}
