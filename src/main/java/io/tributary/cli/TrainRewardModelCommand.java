package io.tributary.cli;

import io.tributary.model.DeviceChoice;
import io.tributary.reward.model.RewardModelTraining;
import io.tributary.reward.model.TrainingOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary train-reward-model}: trains, evaluates and saves an outcome reward model. */
@Command(
    name = "train-reward-model",
    mixinStandardHelpOptions = true,
    description =
        "Train an outcome reward model (BCE) from labelled JSONL (prompt, completion, label) or,"
            + " without --data, from policy samples graded by the arithmetic verifier; report"
            + " held-out AUC and accuracy; save it with a model card under <out>/<name>/.")
public final class TrainRewardModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", description = "model folder name (default: ${DEFAULT-VALUE})")
  String name = "arithmetic-orm";

  @Option(names = "--out", description = "output root (default: ${DEFAULT-VALUE})")
  Path out = Path.of("reward-models");

  @Option(names = "--data", description = "labelled JSONL; omit to generate from policy samples")
  Path data;

  @Option(
      names = "--heldout",
      description = "share of prompts held out (default: ${DEFAULT-VALUE})")
  double heldout = 0.2;

  @Option(names = "--dim", description = "reward model width (default: ${DEFAULT-VALUE})")
  int dim = 64;

  @Option(names = "--layers", description = "reward model layers (default: ${DEFAULT-VALUE})")
  int layers = 2;

  @Option(names = "--batch", description = "rows per step (default: ${DEFAULT-VALUE})")
  int batch = 64;

  @Option(names = "--steps", description = "optimizer steps at most (default: ${DEFAULT-VALUE})")
  int steps = 3000;

  @Option(names = "--max-seconds", description = "training budget (default: ${DEFAULT-VALUE})")
  double maxSeconds = 900;

  @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  double learningRate = 5e-4;

  @Option(names = "--seed", description = "seed (default: ${DEFAULT-VALUE})")
  long seed = 7;

  @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
  DeviceChoice device = DeviceChoice.AUTO;

  @Option(names = "--operands", description = "arithmetic operands (default: ${DEFAULT-VALUE})")
  int operands = 3;

  @Option(names = "--max-operand", description = "largest operand (default: ${DEFAULT-VALUE})")
  int maxOperand = 12;

  @Option(names = "--sft-prompts", description = "policy SFT prompts (default: ${DEFAULT-VALUE})")
  int sftPrompts = 3000;

  @Option(
      names = "--prompts",
      description = "prompts the policy samples on (default: ${DEFAULT-VALUE})")
  int prompts = 2000;

  @Option(names = "--samples", description = "completions per prompt (default: ${DEFAULT-VALUE})")
  int samples = 4;

  @Option(names = "--noise", description = "SFT trace step noise (default: ${DEFAULT-VALUE})")
  double noise = 0.2;

  @Option(
      names = "--sft-steps",
      description = "policy SFT steps at most (default: ${DEFAULT-VALUE})")
  int sftSteps = 1500;

  @Option(names = "--sft-seconds", description = "policy SFT budget (default: ${DEFAULT-VALUE})")
  double sftSeconds = 600;

  @Override
  public Integer call() {
    java.util.List<String> args =
        new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    if (!args.isEmpty() && args.get(0).equals(spec.name())) {
      args.remove(0); // the root's parse result starts with this subcommand's name
    }
    String command = "./tributary train-reward-model " + String.join(" ", args);
    TrainingOptions options =
        new TrainingOptions(
            name,
            out,
            data,
            new TrainingOptions.GeneratedData(
                operands, maxOperand, sftPrompts, prompts, samples, noise, sftSteps, sftSeconds),
            heldout,
            dim,
            layers,
            batch,
            steps,
            maxSeconds,
            learningRate,
            seed,
            device,
            command.strip());
    RewardModelTraining.Report report = RewardModelTraining.run(options, System.out::println);
    System.out.printf(
        "held-out AUC %.3f, accuracy %.3f (%d samples); saved to %s%n",
        report.heldout().auc(),
        report.heldout().accuracy(),
        report.heldoutSamples(),
        report.directory());
    return 0;
  }
}
