package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rewards a config can name: every {@link RewardProvider} that {@link ServiceLoader} finds on a
 * class loader, keyed by {@link RewardProvider#name()}. Two providers with one name are an error,
 * since a config entry must mean one thing.
 */
public final class RewardRegistry {
  private final Map<String, RewardProvider> providers;

  private RewardRegistry(Map<String, RewardProvider> providers) {
    this.providers = Collections.unmodifiableMap(providers);
  }

  /**
   * The built-ins and this process's active plug-ins ({@link RewardPlugins#active()}); without
   * plug-ins, the providers visible to this thread's context class loader (the application
   * classpath, or in a Flink task the job's class loader with the jars shipped with the job).
   */
  public static RewardRegistry load() {
    Optional<RewardPlugins> plugins = RewardPlugins.active();
    if (plugins.isPresent()) {
      return load(plugins.get().classLoader());
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : RewardRegistry.class.getClassLoader());
  }

  /** As {@link #load()}, with the plug-in directories the config names added. */
  public static RewardRegistry forConfig(RewardsConfig config) {
    if (config.plugins().isEmpty()) {
      return load();
    }
    List<Path> directories = new ArrayList<>();
    RewardPlugins.active().ifPresent(active -> directories.addAll(active.directories()));
    directories.addAll(config.pluginDirectories());
    return load(RewardPlugins.open(directories).classLoader());
  }

  public static RewardRegistry load(ClassLoader loader) {
    Map<String, RewardProvider> byName = new TreeMap<>();
    for (RewardProvider provider : ServiceLoader.load(RewardProvider.class, loader)) {
      RewardProvider previous = byName.putIfAbsent(provider.name(), provider);
      if (previous != null
          && !previous.getClass().getName().equals(provider.getClass().getName())) {
        throw new ConfigException(
            "two reward providers are named '"
                + provider.name()
                + "': "
                + previous.getClass().getName()
                + origin(previous)
                + " and "
                + provider.getClass().getName()
                + origin(provider));
      }
    }
    return new RewardRegistry(byName);
  }

  public SortedSet<String> names() {
    return new TreeSet<>(providers.keySet());
  }

  public RewardProvider provider(String name) {
    RewardProvider provider = providers.get(name);
    if (provider == null) {
      throw ConfigException.badValue("name", name, "one of " + names());
    }
    return isBuiltIn(provider) ? provider : new PluginProvider(provider);
  }

  private static boolean isBuiltIn(RewardProvider provider) {
    return provider.getClass().getClassLoader() == RewardRegistry.class.getClassLoader();
  }

  /** Where a provider class was loaded from: " (in path/to.jar)", or "" when unknown. */
  static String origin(RewardProvider provider) {
    CodeSource source = provider.getClass().getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "";
    }
    try {
      return " (in " + Path.of(source.getLocation().toURI()) + ")";
    } catch (URISyntaxException | IllegalArgumentException e) {
      return " (in " + source.getLocation() + ")";
    }
  }

  /**
   * A plug-in's provider whose failures name the plug-in: a user reading "params: unknown key" must
   * learn which jar and class refused it.
   */
  private record PluginProvider(RewardProvider delegate) implements RewardProvider {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public RewardFunction create(RewardParams params) {
      String plugin =
          "plug-in reward '"
              + delegate.name()
              + "', class "
              + delegate.getClass().getName()
              + origin(delegate);
      try {
        return delegate.create(params);
      } catch (ConfigException e) {
        throw new ConfigException(e.getMessage() + " [" + plugin + "]", e);
      } catch (RuntimeException | LinkageError e) {
        throw new ConfigException(
            "name: the " + plugin + " failed to create its function: " + RewardPlugins.cause(e), e);
      }
    }
  }

  public RewardFunction create(String name, Map<String, Object> params) {
    return provider(name).create(new RewardParams(params));
  }
}
