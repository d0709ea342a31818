package io.tributary.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A run config small enough for a test: a tiny model, a short SFT, a few GRPO versions. */
final class RunFixtures {
  private RunFixtures() {}

  static Path tinyModel(Path dir) {
    Path file = dir.resolve("tiny-model.yaml");
    try {
      Files.writeString(
          file,
          """
          vocabSize: 112
          dim: 16
          layers: 2
          heads: 2
          routedExperts: 4
          topK: 2
          expertHidden: 16
          denseHidden: 32
          denseLayers: 1
          maxSeqLen: 48
          device: cpu
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * @param kafka the kafka section's body, e.g. {@code {bootstrapServers: ..., topics: ...}}
   * @param versions the budget in policy versions
   */
  static String tinyRun(Path model, String kafka, int versions) {
    return """
        model: %s
        task: {operands: 2, maxOperand: 30, train: 300, heldout: 20}
        sftSteps: 20
        sftBatch: 16
        rewards:
          rewards:
            - {name: accuracy, weight: 1.0}
            - {name: overlong, weight: 1.0, params: {maxLength: 10, buffer: 8}}
          threads: 1
        grpo:
          sampling: {groupSize: 3, maxNewTokens: 14}
          promptsPerStep: 2
          optimizer: {learningRate: 1.0e-3, minLearningRate: 1.0e-3, warmupSteps: 0, totalSteps: 1000}
        learner: {maxStaleness: 100, keepCheckpoints: 3, pollMillis: 100}
        kafka: %s
        rollouts:
          microBatch: {size: 2, maxWaitMs: 50}
          checkpointIntervalMs: 400
        budget: {versions: %d, seconds: 240}
        evalEveryVersions: 2
        evalPrompts: 6
        passK: 2
        maxPromptsInFlight: 4
        progressEverySeconds: 5
        seed: 3
        """
        .formatted(model.toAbsolutePath(), kafka, versions);
  }

  static String kafkaSection(String bootstrap, String tag) {
    return "{bootstrapServers: '%s', partitions: 2, topics: {prompts: p-%s, scoredRollouts: r-%s, policyVersions: v-%s, deadLetters: d-%s}}"
        .formatted(bootstrap, tag, tag, tag, tag);
  }
}
