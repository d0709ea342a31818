package io.tributary.tasks;

import java.nio.file.Path;
import java.util.List;

/**
 * A generated task set: prompts for GRPO training and evaluation, which never share a problem, and
 * SFT traces for both (the train traces noisy if asked, the held-out ones always correct).
 */
public record GeneratedSplits(
    List<TaskPrompt> train,
    List<TaskPrompt> heldout,
    List<SftExample> sftTrain,
    List<SftExample> sftHeldout) {

  public static final String TRAIN_FILE = "train.jsonl";
  public static final String HELDOUT_FILE = "heldout.jsonl";
  public static final String SFT_TRAIN_FILE = "sft_train.jsonl";
  public static final String SFT_HELDOUT_FILE = "sft_heldout.jsonl";

  /** Writes the four JSONL files into {@code directory}, creating it if needed. */
  public void write(Path directory) {
    Jsonl.write(directory.resolve(TRAIN_FILE), train);
    Jsonl.write(directory.resolve(HELDOUT_FILE), heldout);
    Jsonl.write(directory.resolve(SFT_TRAIN_FILE), sftTrain);
    Jsonl.write(directory.resolve(SFT_HELDOUT_FILE), sftHeldout);
  }
}
