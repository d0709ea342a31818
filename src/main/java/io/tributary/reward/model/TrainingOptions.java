package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import java.nio.file.Path;

/**
 * Everything {@code tributary train-reward-model} needs.
 *
 * @param name folder name under {@code outputRoot}
 * @param outputRoot where reward model folders go, normally {@code reward-models}
 * @param data labelled JSONL to train on; null makes one from policy samples ({@link
 *     GeneratedData})
 * @param generated how to make the labelled set when {@code data} is null
 * @param heldoutFraction share of prompt groups kept out of training for the metrics
 * @param dim width C of the reward model
 * @param layers transformer blocks of the reward model (the first dense, the rest MoE)
 * @param batchSize rows per optimizer step
 * @param maxSteps optimizer steps at most
 * @param maxSeconds wall-clock budget of reward-model training
 * @param learningRate peak AdamW learning rate
 * @param seed seeds data, initialisation and batches
 * @param device where the models run
 * @param command the command line that produced this run, for the model card
 */
public record TrainingOptions(
    String name,
    Path outputRoot,
    Path data,
    GeneratedData generated,
    double heldoutFraction,
    int dim,
    int layers,
    int batchSize,
    int maxSteps,
    double maxSeconds,
    double learningRate,
    long seed,
    DeviceChoice device,
    String command) {

  public TrainingOptions {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw ConfigException.badValue("name", name, "a folder name of letters, digits, . _ -");
    }
    if (data != null && !java.nio.file.Files.isRegularFile(data)) {
      throw ConfigException.badValue("data", data.toString(), "an existing labelled JSONL file");
    }
    if (data == null && generated == null) {
      throw ConfigException.badValue("generated", null, "settings to generate data without data");
    }
    if (!(heldoutFraction > 0 && heldoutFraction < 1)) {
      throw ConfigException.badValue("heldoutFraction", heldoutFraction, "a number in (0, 1)");
    }
    positive("dim", dim);
    positive("layers", layers);
    positive("batchSize", batchSize);
    positive("maxSteps", maxSteps);
    if (!(maxSeconds > 0)) {
      throw ConfigException.badValue("maxSeconds", maxSeconds, "a positive number of seconds");
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw ConfigException.badValue("learningRate", learningRate, "a number in (0, 1)");
    }
  }

  /**
   * How the labelled set is made from policy samples on the arithmetic task.
   *
   * @param operands numbers per expression
   * @param maxOperand largest number
   * @param sftPrompts prompts whose noisy traces the policy is fine-tuned on
   * @param rewardPrompts other prompts the policy samples on (split into train and held-out)
   * @param samplesPerPrompt completions drawn per prompt at temperature 1
   * @param noise probability that a step of an SFT trace is off by one
   * @param sftSteps SFT steps at most
   * @param sftSeconds SFT wall-clock budget
   */
  public record GeneratedData(
      int operands,
      int maxOperand,
      int sftPrompts,
      int rewardPrompts,
      int samplesPerPrompt,
      double noise,
      int sftSteps,
      double sftSeconds) {
    public GeneratedData {
      positive("sftPrompts", sftPrompts);
      positive("rewardPrompts", rewardPrompts);
      positive("samplesPerPrompt", samplesPerPrompt);
      positive("sftSteps", sftSteps);
      if (!(noise >= 0 && noise <= 1)) {
        throw ConfigException.badValue("noise", noise, "a probability in [0, 1]");
      }
      if (!(sftSeconds > 0)) {
        throw ConfigException.badValue("sftSeconds", sftSeconds, "a positive number of seconds");
      }
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw ConfigException.badValue(key, value, "a positive integer");
    }
  }
}
