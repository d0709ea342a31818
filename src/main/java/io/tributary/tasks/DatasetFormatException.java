package io.tributary.tasks;

import java.nio.file.Path;

/** A data file line that cannot be used; the message names the file, the line and the problem. */
public final class DatasetFormatException extends IllegalArgumentException {
  public DatasetFormatException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem);
  }

  public DatasetFormatException(Path file, int line, String problem, Throwable cause) {
    super(file + ":" + line + ": " + problem, cause);
  }
}
