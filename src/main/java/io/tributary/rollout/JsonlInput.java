package io.tributary.rollout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a JSON Lines prompt file as raw inputs with their 1-based line numbers (blank lines
 * skipped). Lines are judged later, in the job, so a bad line becomes a dead letter naming its
 * line.
 */
public final class JsonlInput {
  private JsonlInput() {}

  public static List<RawInput> read(Path file) {
    List<RawInput> lines = new ArrayList<>();
    String source = file.toString();
    // InputStreamReader replaces malformed UTF-8 instead of failing: the bad line becomes a letter
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      long number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (!line.isBlank()) {
          lines.add(new RawInput(InputOrigin.fileLine(source, number), line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read prompts: " + e.getMessage(), e);
    }
    return lines;
  }
}
