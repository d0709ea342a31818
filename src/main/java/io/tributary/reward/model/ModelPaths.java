package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a model path from a config: as given, else against {@code TRIBUTARY_HOME} (set by the
 * launcher), so {@code reward-models/<name>} works from any working directory.
 */
final class ModelPaths {
  private ModelPaths() {}

  static Path resolve(String path, String key) {
    if (path == null) {
      throw ConfigException.badValue(key, null, "the path of a reward model");
    }
    Path given = Path.of(path);
    String home = System.getenv("TRIBUTARY_HOME");
    if (!Files.exists(given) && !given.isAbsolute() && home != null) {
      Path underHome = Path.of(home).resolve(given);
      if (Files.exists(underHome)) {
        return underHome;
      }
    }
    if (!Files.exists(given)) {
      throw ConfigException.badValue(key, path, "an existing path");
    }
    return given;
  }
}
