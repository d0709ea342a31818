package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import io.tributary.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code reward-model.json}, the file that makes a folder a reward model trained here: which
 * checkpoint holds the weights, which vocabulary row of the LM head is the scalar head, and the
 * longest row scored.
 *
 * @param format descriptor format, {@value #FORMAT}
 * @param checkpoint the checkpoint file, relative to the folder
 * @param scoreToken the LM head row whose logit at the last real token is the reward logit
 * @param maxLength longest token row scored; longer rows keep their end
 */
public record RewardModelDescriptor(
    Integer format, String checkpoint, Integer scoreToken, Integer maxLength) {
  public static final int FORMAT = 1;
  public static final String FILE_NAME = "reward-model.json";

  public RewardModelDescriptor {
    if (format == null || format != FORMAT) {
      throw ConfigException.badValue("format", format, String.valueOf(FORMAT));
    }
    if (checkpoint == null || checkpoint.isBlank()) {
      throw ConfigException.badValue("checkpoint", checkpoint, "a checkpoint file name");
    }
    if (scoreToken == null || scoreToken < 0) {
      throw ConfigException.badValue("scoreToken", scoreToken, "a token id >= 0");
    }
    if (maxLength == null || maxLength < 2) {
      throw ConfigException.badValue("maxLength", maxLength, "an integer >= 2");
    }
  }

  /** Reads {@code dir/reward-model.json}; every error names that file. */
  public static RewardModelDescriptor read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      return JsonFiles.read(file, RewardModelDescriptor.class);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file
              + ": no such file; a reward model folder holds "
              + FILE_NAME
              + " (not a reward model"
              + " folder?)");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(FILE_NAME), Json.write(this) + "\n");
  }
}
