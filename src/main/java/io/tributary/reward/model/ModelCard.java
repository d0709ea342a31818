package io.tributary.reward.model;

import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The card beside a trained reward model (Mitchell et al. 2019, "Model Cards for Model Reporting"):
 * what it scores, the data, the held-out metrics, and the exact command that rebuilds it. {@code
 * MODEL_CARD.md} is for people, {@code metrics.json} for tools.
 */
public final class ModelCard {
  public static final String FILE_NAME = "MODEL_CARD.md";
  public static final String METRICS_FILE = "metrics.json";

  private ModelCard() {}

  /** The checkpoint's metadata: the figures a tool may want without reading the card. */
  static Map<String, String> metadata(RewardModelTraining.Report report) {
    return Map.of(
        "kind", "outcome-reward-model",
        "heldoutAuc", Double.toString(report.heldout().auc()),
        "heldoutAccuracy", Double.toString(report.heldout().accuracy()));
  }

  static void write(Path dir, RewardModelTraining.Report report, TrainingOptions options) {
    StringBuilder md = new StringBuilder();
    md.append("# Reward model `").append(report.name()).append("`\n\n");
    md.append(
        "An outcome reward model: given a prompt and a completion it scores the probability that"
            + " the completion's answer is correct. Built from the policy's blocks (the"
            + " `MoeTransformer` decoder); the reward logit is the LM-head row of `<eos>` at the"
            + " last token, trained with binary cross-entropy. Use it as the `reward_model`"
            + " reward with `params: {path: reward-models/"
            + report.name()
            + "}` (docs/rewards.md).\n\n");
    md.append("## Data\n\n");
    md.append("- source: ").append(report.dataSource()).append('\n');
    if (options.data() == null) {
      TrainingOptions.GeneratedData g = options.generated();
      md.append(
          String.format(
              Locale.ROOT,
              "- task: arithmetic, %d operands from 1 to %d, + and -; a policy of the same architecture as the reward model"
                  + " fine-tuned on %d prompts' traces with step noise %.2f for %d steps (loss"
                  + " %.3f -> %.3f), then %d completions at temperature 1 for each of %d other"
                  + " prompts, graded by TaskKind.ARITHMETIC's verifier%n",
              g.operands(),
              g.maxOperand(),
              g.sftPrompts(),
              g.noise(),
              report.sft().steps(),
              report.sft().firstLoss(),
              report.sft().lastLoss(),
              g.samplesPerPrompt(),
              g.rewardPrompts()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "- split by prompt (%.0f%% of prompts held out): %d training samples (%.1f%%"
                + " correct), %d held-out samples (%.1f%% correct)%n%n",
            100 * options.heldoutFraction(),
            report.trainSamples(),
            100 * report.trainPositiveRate(),
            report.heldoutSamples(),
            100 * report.heldout().positiveRate()));
    md.append("## Model and training\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- %d parameters: d=%d, %d layers, %d heads, %d routed experts (top-%d), context %d,"
                + " character tokenizer%n- %d AdamW steps of batch %d, peak learning rate %s, in"
                + " %.0f s; final training loss %.4f%n%n",
            report.parameters(),
            report.modelConfig().dim(),
            report.modelConfig().layers(),
            report.modelConfig().heads(),
            report.modelConfig().routedExperts(),
            report.modelConfig().topK(),
            report.modelConfig().maxSeqLen(),
            report.steps(),
            options.batchSize(),
            options.learningRate(),
            report.seconds(),
            report.finalLoss()));
    md.append(
        "## Metrics\n\n| split | samples | AUC | accuracy (threshold 0.5) | share correct |\n");
    md.append("|---|---|---|---|---|\n");
    row(md, "held-out", report.heldout());
    row(md, "train", report.train());
    md.append("\n## Rebuild\n\n```\n").append(options.command()).append("\n```\n\n");
    md.append(
        "Timings depend on the machine: a budget in seconds (`--max-seconds`, `--sft-seconds`)"
            + " can stop training at a different step elsewhere; give step limits only"
            + " (`--steps`, `--sft-steps`) with generous budgets to rebuild the same steps.\n");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(FILE_NAME), md.toString());
      Files.writeString(dir.resolve(METRICS_FILE), Json.write(report) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write the model card: " + e.getMessage(), e);
    }
  }

  private static void row(StringBuilder md, String split, BinaryMetrics m) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.3f | %.3f | %.3f |%n",
            split,
            m.samples(),
            m.auc(),
            m.accuracy(),
            m.positiveRate()));
  }
}
