package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a plug-in jar at test time, as a user's build would: Java sources compiled against
 * Tributary's classes, packed with a {@code META-INF/services} file that names the providers.
 */
public final class PluginJar {
  private PluginJar() {}

  /**
   * @param sources Java source files by their path under the source root, e.g. {@code
   *     com/example/Foo.java}
   * @param services the lines of the service file (provider class names)
   * @param omit classes (by path under the class root, e.g. {@code com/example/Helper.class}) left
   *     out of the jar, to make a plug-in whose classes are missing
   */
  public static Path build(
      Path workDir,
      Path jar,
      Map<String, String> sources,
      List<String> services,
      List<String> omit) {
    try {
      Path sourceRoot = Files.createDirectories(workDir.resolve("src"));
      List<Path> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = sourceRoot.resolve(source.getKey());
        Files.createDirectories(file.getParent());
        files.add(Files.writeString(file, source.getValue()));
      }
      Path classes =
          files.isEmpty()
              ? Files.createDirectories(workDir.resolve("classes"))
              : compile(workDir, files);
      return jar(classes, jar, services, omit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path build(Path workDir, Path jar, Map<String, String> sources, String service) {
    return build(workDir, jar, sources, List.of(service), List.of());
  }

  /**
   * Compiles {@code files} against this JVM's classpath (Tributary's classes); returns the root.
   */
  public static Path compile(Path workDir, List<Path> files) throws IOException {
    Path classes = Files.createDirectories(workDir.resolve("classes"));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled =
        compiler
            .getTask(
                diagnostics,
                null,
                null,
                List.of(
                    "-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(),
                    "--release", "17"),
                null,
                compiler
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(files.toArray(Path[]::new)))
            .call();
    assertThat(compiled).as("compiling the plug-in: %s", diagnostics).isTrue();
    return classes;
  }

  /** Packs compiled classes and resources under {@code root} with a service file. */
  public static Path jar(Path root, Path jar, List<String> services, List<String> omit)
      throws IOException {
    Files.createDirectories(jar.toAbsolutePath().getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = root.relativize(file).toString().replace('\\', '/');
        if (omit.contains(name) || name.startsWith("META-INF/services/")) {
          continue;
        }
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(file));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/" + RewardProvider.class.getName()));
      out.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
