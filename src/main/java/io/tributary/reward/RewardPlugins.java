package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reward plug-ins: the jars in a set of directories, loaded in a class loader of their own (a child
 * of the application's), where {@link RewardRegistry} finds their {@link RewardProvider}s through
 * {@link java.util.ServiceLoader}. A plug-in may bring its own libraries as further jars in the
 * same directory.
 *
 * <p>Opening checks every provider a jar declares before anything runs: the class loads, is a
 * {@code RewardProvider} with a public no-argument constructor, constructs, and has a name no
 * built-in or other plug-in uses. A failure is a {@link ConfigException} naming the jar, the class
 * and the cause.
 *
 * <p>The directories a process was started with ({@code --plugins}, {@code TRIBUTARY_PLUGINS}) are
 * its <em>active</em> plug-ins: kept here for every scorer the process builds, and in the system
 * property {@value #PROPERTY} that {@link io.tributary.process.ChildJvm} passes on, so child JVMs
 * that score load the same jars.
 */
public final class RewardPlugins {
  /** Directories of plug-in jars, separated by the platform's path separator. */
  public static final String ENVIRONMENT_VARIABLE = "TRIBUTARY_PLUGINS";

  public static final String PROPERTY = "tributary.plugins";

  private static final String SERVICE_FILE = "META-INF/services/" + RewardProvider.class.getName();

  // one class loader per set of directories, so that a plug-in's classes are loaded once
  private static final Map<List<Path>, RewardPlugins> OPENED = new HashMap<>();
  private static List<Path> active = List.of(); // guarded by RewardPlugins.class

  private final List<Path> directories;
  private final List<Path> jars;
  private final URLClassLoader classLoader;

  private RewardPlugins(List<Path> directories, List<Path> jars, URLClassLoader classLoader) {
    this.directories = directories;
    this.jars = jars;
    this.classLoader = classLoader;
  }

  /** Opens and checks the jars of {@code directories} (a directory may also be one jar). */
  public static synchronized RewardPlugins open(List<Path> directories) {
    List<Path> key = normalised(directories);
    RewardPlugins opened = OPENED.get(key);
    if (opened == null) {
      opened = load(key);
      OPENED.put(key, opened);
    }
    return opened;
  }

  /**
   * Adds {@code directories} to this process's active plug-ins, checking them first; returns the
   * active set.
   */
  public static synchronized RewardPlugins activate(List<Path> directories) {
    LinkedHashSet<Path> union = new LinkedHashSet<>(active);
    union.addAll(normalised(directories));
    RewardPlugins plugins = open(List.copyOf(union));
    active = plugins.directories;
    System.setProperty(PROPERTY, join(active));
    return plugins;
  }

  /** Forgets the active plug-ins (tests; a process keeps its plug-ins for its lifetime). */
  public static synchronized void deactivate() {
    active = List.of();
    System.clearProperty(PROPERTY);
  }

  /** The active plug-ins; in a child JVM, those its parent passed on through {@value #PROPERTY}. */
  public static synchronized Optional<RewardPlugins> active() {
    if (active.isEmpty()) {
      String inherited = System.getProperty(PROPERTY);
      if (inherited == null || inherited.isBlank()) {
        return Optional.empty();
      }
      active = open(parse(inherited)).directories;
    }
    return Optional.of(open(active));
  }

  /** The directories named by {@value #ENVIRONMENT_VARIABLE}, or none. */
  public static List<Path> fromEnvironment() {
    return parse(System.getenv(ENVIRONMENT_VARIABLE));
  }

  /** {@code a:b:c} (the platform's path separator) as paths; null or blank is none. */
  public static List<Path> parse(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(s -> Path.of(s.strip()))
        .toList();
  }

  public List<Path> directories() {
    return directories;
  }

  public List<Path> jars() {
    return jars;
  }

  public ClassLoader classLoader() {
    return classLoader;
  }

  /** The jars as URLs, for {@code pipeline.jars} of a Flink job. */
  public List<String> jarUrls() {
    return jars.stream().map(jar -> jar.toUri().toString()).toList();
  }

  private static List<Path> normalised(List<Path> directories) {
    return directories.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
  }

  private static String join(List<Path> paths) {
    return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
  }

  private static RewardPlugins load(List<Path> directories) {
    List<Path> jars = new ArrayList<>();
    for (Path directory : directories) {
      jars.addAll(jarsIn(directory));
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new ConfigException("plug-in jar " + jars.get(i) + ": not a usable path: " + e);
      }
    }
    URLClassLoader loader =
        new URLClassLoader("tributary-plugins", urls, RewardPlugins.class.getClassLoader());
    Map<String, String> names = new HashMap<>(); // reward name -> who provides it
    for (String builtIn : RewardRegistry.load(RewardPlugins.class.getClassLoader()).names()) {
      names.put(builtIn, "a built-in reward");
    }
    for (Path jar : jars) {
      for (String className : declaredProviders(jar)) {
        String name = check(jar, className, loader);
        String previous = names.putIfAbsent(name, className + " in " + jar);
        if (previous != null) {
          throw new ConfigException(
              "plug-in jar "
                  + jar
                  + ": provider class "
                  + className
                  + ": its reward name '"
                  + name
                  + "' is already taken by "
                  + previous);
        }
      }
    }
    return new RewardPlugins(directories, List.copyOf(jars), loader);
  }

  private static List<Path> jarsIn(Path directory) {
    if (Files.isRegularFile(directory) && directory.toString().endsWith(".jar")) {
      return List.of(directory);
    }
    if (!Files.isDirectory(directory)) {
      throw ConfigException.badValue(
          "plugins", directory.toString(), "a directory of plug-in jars (or one jar)");
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException("plugins: cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The provider classes a jar's service file names; none for a library jar. */
  private static List<String> declaredProviders(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      var entry = file.getJarEntry(SERVICE_FILE);
      if (entry == null) {
        return List.of();
      }
      List<String> classes = new ArrayList<>();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          int comment = line.indexOf('#');
          String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
          if (!name.isEmpty()) {
            classes.add(name);
          }
        }
      }
      return classes;
    } catch (IOException e) {
      throw new ConfigException("plug-in jar " + jar + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Loads and constructs one declared provider; returns its reward name. */
  private static String check(Path jar, String className, ClassLoader loader) {
    String where = "plug-in jar " + jar + ": provider class " + className;
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigException(where + ": cannot be loaded: " + cause(e), e);
    }
    if (!RewardProvider.class.isAssignableFrom(type)) {
      throw new ConfigException(where + ": does not implement " + RewardProvider.class.getName());
    }
    RewardProvider provider;
    try {
      provider = (RewardProvider) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new ConfigException(where + ": needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new ConfigException(where + ": its constructor threw " + cause(e.getCause()), e);
    } catch (InstantiationException | LinkageError e) {
      throw new ConfigException(where + ": cannot be constructed: " + cause(e), e);
    }
    String name;
    try {
      name = provider.name();
    } catch (RuntimeException | LinkageError e) {
      throw new ConfigException(where + ": name() threw " + cause(e), e);
    }
    if (name == null || name.isBlank()) {
      throw new ConfigException(where + ": name() returned no name");
    }
    return name;
  }

  static String cause(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "plug-ins " + jars;
  }
}
