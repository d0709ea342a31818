package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.util.Collections;
import java.util.Map;
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

  /** The providers visible to this thread's context class loader (the application classpath). */
  public static RewardRegistry load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : RewardRegistry.class.getClassLoader());
  }

  public static RewardRegistry load(ClassLoader loader) {
    Map<String, RewardProvider> byName = new TreeMap<>();
    for (RewardProvider provider : ServiceLoader.load(RewardProvider.class, loader)) {
      RewardProvider previous = byName.putIfAbsent(provider.name(), provider);
      if (previous != null) {
        throw new ConfigException(
            "two reward providers are named '"
                + provider.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + provider.getClass().getName());
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
    return provider;
  }

  public RewardFunction create(String name, Map<String, Object> params) {
    return provider(name).create(new RewardParams(params));
  }
}
