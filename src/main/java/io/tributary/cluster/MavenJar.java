package io.tributary.cluster;

import java.nio.file.Path;

/**
 * Recognises a jar of a Maven repository by its place: {@code <group path>/<artifact>/<version>/
 * <artifact>-<version>[-classifier].jar}.
 */
final class MavenJar {
  private MavenJar() {}

  /**
   * Whether {@code jar} is an artifact of {@code group} whose id starts with {@code artifactPrefix}
   * ("" for any artifact of the group).
   */
  static boolean matches(Path jar, String group, String artifactPrefix) {
    Path versionDir = jar.toAbsolutePath().getParent();
    if (versionDir == null || versionDir.getParent() == null) {
      return false;
    }
    Path artifactDir = versionDir.getParent();
    if (artifactDir.getFileName() == null) {
      return false;
    }
    String artifact = artifactDir.getFileName().toString();
    String file = jar.getFileName().toString();
    if (!file.startsWith(artifact + "-" + versionDir.getFileName())) {
      return false;
    }
    if (!artifact.startsWith(artifactPrefix)) {
      return false;
    }
    Path groupDir = artifactDir.getParent();
    String[] parts = group.split("\\.");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (groupDir == null || !groupDir.getFileName().toString().equals(parts[i])) {
        return false;
      }
      groupDir = groupDir.getParent();
    }
    return true;
  }
}
