package io.tributary.cli;

import io.tributary.bench.LearnerBenchmark;
import io.tributary.hf.HfArchitecture;
import io.tributary.hf.HfConfig;
import io.tributary.hf.RandomCheckpoint;
import io.tributary.model.ModelConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    description = {
      "The learner's peak resident memory and tokens/s for one GRPO update of one group of"
          + " completions of --new-tokens tokens, one sequence per optimizer step, on a random"
          + " policy of the Qwen3-0.6B shape (or of the config.json in --hf DIR) with LoRA on.",
      "Memory is the whole process's: check free memory first; the 0.6B shape at 1,024 new"
          + " tokens needs several GiB."
    })
final class BenchLearnerCommand implements Runnable {
  @Option(
      names = "--hf",
      paramLabel = "DIR",
      description = "take the architecture from DIR/config.json (default: Qwen3-0.6B's)")
  Path hf;

  @Option(
      names = "--new-tokens",
      description = "completion length (default: ${DEFAULT-VALUE})",
      defaultValue = "512")
  int newTokens;

  @Option(
      names = "--prompt-tokens",
      description = "prompt length (default: ${DEFAULT-VALUE})",
      defaultValue = "128")
  int promptTokens;

  @Option(
      names = "--group",
      description = "completions in the group, G (default: ${DEFAULT-VALUE})",
      defaultValue = "2")
  int group;

  @Option(
      names = "--lora-rank",
      description =
          "LoRA rank on every projection; 0 trains every weight (default: ${DEFAULT-VALUE})",
      defaultValue = "16")
  int loraRank;

  @Option(
      names = "--beta",
      description =
          "KL coefficient; > 0 adds the reference forward (the base, adapters off)"
              + " (default: ${DEFAULT-VALUE})",
      defaultValue = "0")
  double beta;

  @Override
  public void run() {
    HfConfig architecture = hf == null ? RandomCheckpoint.qwen3_0_6b() : HfConfig.read(hf);
    ModelConfig config = HfArchitecture.modelConfig(architecture);
    LearnerBenchmark.run(
        config,
        new LearnerBenchmark.Settings(promptTokens, newTokens, group, loraRank, beta, 1),
        System.out);
  }
}
