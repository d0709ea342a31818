package io.tributary.reward;

/**
 * Makes a reward by name; found through {@link java.util.ServiceLoader}, so a plug-in jar (see
 * {@link RewardPlugins}) with a {@code META-INF/services/io.tributary.reward.RewardProvider} file
 * adds rewards that a config can name. The implementation needs a public no-argument constructor.
 */
public interface RewardProvider {
  /** The name configs use, for example {@code accuracy}; unique among providers. */
  String name();

  /**
   * Builds the reward from the {@code params} of its config entry; throws {@link
   * io.tributary.config.ConfigException} naming the parameter when one is bad.
   */
  RewardFunction create(RewardParams params);
}
