package io.tributary.experiment;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.tasks.ArithmeticConfig;
import io.tributary.tasks.ArithmeticGenerator;
import io.tributary.tasks.DatasetGenerator;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The arithmetic task data and the SFT cold start of the DeepSeek-R1 recipe (R1 paper, §2.3.1):
 * shared by the learning demonstration and the closed loop ({@code ./tributary run}), so both start
 * GRPO from the same kind of checkpoint.
 */
public final class ColdStart {
  private ColdStart() {}

  /** Generates the train, SFT and held-out splits and writes them to {@code runDir/data}. */
  public static GeneratedSplits data(DemoConfig.TaskConfig t, long seed, Path runDir) {
    ArithmeticConfig arithmetic =
        new ArithmeticConfig(
            t.operands(), t.maxOperand(), t.operators(), t.maxIntermediate(), false);
    GeneratedSplits splits =
        DatasetGenerator.generate(
            new ArithmeticGenerator(arithmetic), t.train(), t.heldout(), seed, t.noise());
    splits.write(runDir.resolve("data"));
    return splits;
  }

  /** Warm-up then cosine decay to a tenth of the peak over the cold start. */
  public static OptimizerConfig optimizer(double learningRate, int totalSteps) {
    return new OptimizerConfig(
        learningRate,
        learningRate * 0.1,
        Math.min(50, totalSteps / 10),
        totalSteps,
        null,
        null,
        null,
        0.01,
        1.0);
  }

  /**
   * Trains a fresh policy of {@code modelConfig} for {@code steps} SFT steps (steps, not seconds,
   * so the start does not depend on how busy the machine is) and saves it to {@code target} as
   * version 0.
   */
  public static void train(
      ModelConfig modelConfig,
      GeneratedSplits data,
      int steps,
      int batch,
      double learningRate,
      long seed,
      Path target,
      PrintStream out) {
    CharTokenizer tokenizer = new CharTokenizer();
    List<SftExample> examples = examples(tokenizer, data.sftTrain());
    try (PolicyModel policy = PolicyModel.create(modelConfig, seed)) {
      SftTrainer trainer = new SftTrainer(policy, optimizer(learningRate, steps), tokenizer.pad());
      long start = System.nanoTime();
      Random random = new Random(seed);
      for (int step = 1; step <= steps; step++) {
        List<SftExample> draw = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          draw.add(examples.get(random.nextInt(examples.size())));
        }
        SftTrainer.StepResult r = trainer.step(draw);
        if (step % 100 == 0 || step == 10) {
          out.printf("  SFT cold start step %d: loss %.4f%n", step, r.loss());
        }
      }
      out.printf("SFT cold start: %d steps in %.0f s%n", steps, (System.nanoTime() - start) / 1e9);
      Checkpoint.save(target, policy, tokenizer.spec(), 0, steps, Map.of("stage", "sft"));
    }
  }

  /** BOS + prompt, completion + EOS: the layout the sampler continues. */
  public static List<SftExample> examples(
      CharTokenizer tokenizer, List<io.tributary.tasks.SftExample> traces) {
    List<SftExample> out = new ArrayList<>();
    for (var t : traces) {
      int[] prompt = tokenizer.encodePrompt(t.prompt());
      int[] completionBody = tokenizer.encode(t.completion());
      int[] completion = Arrays.copyOf(completionBody, completionBody.length + 1);
      completion[completionBody.length] = tokenizer.eos();
      out.add(new SftExample(prompt, completion));
    }
    return out;
  }
}
