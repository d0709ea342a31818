package io.tributary.process;

import io.tributary.reward.RewardPlugins;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs on this program's own java and classpath (the Kafka broker, the sides of {@code bench
 * pipeline}). A child stops when its standard input closes, so it cannot outlive its parent.
 */
public final class ChildJvm {
  /** The incubator module of model/DecodeProduct's kernel, passed on where this JVM has it. */
  private static final String VECTOR_MODULE = "jdk.incubator.vector";

  private ChildJvm() {}

  /**
   * {@code java OPTIONS -cp <this classpath> MAIN ARGS}; a child also gets this process's reward
   * plug-ins, so that a child that scores knows the same rewards.
   */
  public static List<String> command(List<String> jvmOptions, Class<?> main, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(inheritedModules());
    String plugins = System.getProperty(RewardPlugins.PROPERTY);
    if (plugins != null && !plugins.isBlank()) {
      command.add("-D" + RewardPlugins.PROPERTY + "=" + plugins);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  /**
   * The modules this JVM was given that every JVM it starts needs too: the decode kernel's vector
   * module (model/DecodeProduct), where this JVM has it, so a child multiplies as its parent does.
   */
  public static List<String> inheritedModules() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()
        ? List.of("--add-modules=" + VECTOR_MODULE)
        : List.of();
  }

  /**
   * Closes the child's standard input (its signal to stop) and waits {@code grace} for it to exit;
   * then asks it to terminate, and after 10 s more kills it.
   */
  public static void stop(Process process, Duration grace) {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
