package io.tributary.run;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.Gsm8k;
import io.tributary.tasks.Jsonl;
import io.tributary.tasks.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The {@code dataset:} section: the run's prompts from a file in {@code datasets/} instead of the
 * generated arithmetic task. A seeded shuffle splits off {@code heldout} prompts for evaluation,
 * which are never trained on; the rest are the training prompts. There are no SFT traces: a file of
 * prompts suits an imported model, which needs no cold start.
 *
 * @param file the JSONL file
 * @param format {@code gsm8k} (question, answer ending in {@code #### N}) or {@code tasks} (the
 *     task prompts {@code ./tributary dataset} writes)
 * @param heldout prompts kept for held-out evaluation
 */
public record PromptDataset(Path file, Format format, Integer heldout) {

  /** The line formats a dataset file may have. */
  public enum Format {
    GSM8K,
    TASKS;

    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Format of(String name) {
      for (Format f : values()) {
        if (f.configName().equals(name)) {
          return f;
        }
      }
      throw badValue("dataset.format", name, "gsm8k or tasks");
    }
  }

  public PromptDataset {
    if (file == null) {
      throw badValue("dataset.file", null, "a JSONL file of prompts");
    }
    format = format != null ? format : Format.GSM8K;
    heldout = heldout != null ? heldout : 50;
    if (heldout < 1) {
      throw badValue("dataset.heldout", heldout, "1 or more prompts");
    }
  }

  /** Reads and splits the file, and writes both splits to {@code runDir/data}. */
  public GeneratedSplits load(long seed, Path runDir) {
    if (!Files.isRegularFile(file)) {
      throw badValue("dataset.file", file.toString(), "an existing JSONL file");
    }
    List<TaskPrompt> all =
        new ArrayList<>(
            format == Format.GSM8K ? Gsm8k.load(file) : Jsonl.read(file, TaskPrompt.class));
    if (all.size() <= heldout) {
      throw badValue(
          "dataset.heldout",
          heldout,
          "fewer than the " + all.size() + " prompts of " + file + " (some must be left to train)");
    }
    Collections.shuffle(all, new Random(seed));
    GeneratedSplits splits =
        new GeneratedSplits(
            List.copyOf(all.subList(heldout, all.size())),
            List.copyOf(all.subList(0, heldout)),
            List.of(),
            List.of());
    splits.write(runDir.resolve("data"));
    return splits;
  }
}
