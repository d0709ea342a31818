package io.tributary.reward.model;

import io.tributary.json.Json;
import io.tributary.tasks.Jsonl;
import java.nio.file.Path;
import java.util.List;

/**
 * One line of a reward model's labelled JSONL: a prompt, a completion and whether it is correct (1)
 * or not (0). {@code group} keeps the samples of one prompt together when splitting, so no held-out
 * prompt is ever trained on; it defaults to the prompt text.
 */
public record LabelledSample(String prompt, String completion, Integer label, String group) {
  public LabelledSample {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt: missing, expected text");
    }
    if (completion == null) {
      throw new IllegalArgumentException("completion: missing, expected text");
    }
    if (label == null || (label != 0 && label != 1)) {
      throw new IllegalArgumentException("label: got " + label + ", expected 0 or 1");
    }
    group = group == null || group.isEmpty() ? prompt : group;
  }

  public boolean positive() {
    return label == 1;
  }

  /** Reads a JSONL file; a bad line is reported with the file, line number and field. */
  public static List<LabelledSample> read(Path file) {
    return Jsonl.readLines(file, (line, n) -> Json.mapper().readValue(line, LabelledSample.class));
  }

  public static void write(Path file, List<LabelledSample> samples) {
    Jsonl.write(file, samples);
  }
}
