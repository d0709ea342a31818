package io.tributary.reward.model;

import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.tasks.CompletionFormat;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskKind;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The labelled set of an outcome reward model made the way Cobbe et al. (2021, §3) made theirs: a
 * policy is fine-tuned briefly on reasoning traces (noisy ones, so it is wrong part of the time),
 * samples completions at temperature 1, and the task's rule verifier grades each one. The labels
 * are thus exactly the rule reward the reward model learns to predict.
 */
public final class PolicySamples {
  private PolicySamples() {}

  /** What the SFT phase did, for the model card. */
  public record SftSummary(int steps, double firstLoss, double lastLoss, double seconds) {}

  /**
   * Fine-tunes {@code policy} on the SFT traces of {@code splits} for at most {@code maxSteps}
   * steps or {@code maxSeconds}, whichever comes first.
   */
  public static SftSummary finetune(
      PolicyModel policy,
      Tokenizer tokenizer,
      GeneratedSplits splits,
      int batchSize,
      int maxSteps,
      double maxSeconds,
      double learningRate,
      long seed,
      Consumer<String> log) {
    List<SftExample> examples = new ArrayList<>();
    for (io.tributary.tasks.SftExample e : splits.sftTrain()) {
      examples.add(new SftExample(promptIds(tokenizer, e.prompt()), completionIds(tokenizer, e)));
    }
    SftTrainer trainer = new SftTrainer(policy, warmedUp(learningRate, maxSteps), tokenizer.pad());
    SplittableRandom random = new SplittableRandom(seed);
    long start = System.nanoTime();
    double first = Double.NaN;
    double last = Double.NaN;
    int steps = 0;
    while (steps < maxSteps && (System.nanoTime() - start) / 1e9 < maxSeconds) {
      List<SftExample> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        batch.add(examples.get(random.nextInt(examples.size())));
      }
      last = trainer.step(batch).loss();
      first = steps == 0 ? last : first;
      steps++;
      if (steps % 50 == 0) {
        log.accept(String.format("sft step %d loss %.4f", steps, last));
      }
    }
    if (steps >= 200 && !(last < 0.5 * first)) {
      // a collapsed policy samples noise; a reward model trained on that would be meaningless
      throw new IllegalStateException(
          String.format(
              "policy SFT did not learn: loss %.3f -> %.3f in %d steps; try another --seed or"
                  + " more --sft-steps",
              first, last, steps));
    }
    return new SftSummary(steps, first, last, (System.nanoTime() - start) / 1e9);
  }

  /**
   * AdamW with a linear warm-up of at least 200 steps: with 10 to 100 steps the small MoE policy at
   * 2e-3 to 3e-3 sometimes collapsed to a near-uniform output (loss stuck near ln 96) early on.
   */
  static OptimizerConfig warmedUp(double learningRate, int totalSteps) {
    return new OptimizerConfig(
        learningRate,
        null,
        Math.min(totalSteps, Math.max(200, totalSteps / 20)),
        totalSteps,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * {@code perPrompt} completions of each prompt at {@code temperature}, graded by the prompt's
   * task verifier: label 1 when the answer in {@code <answer>} tags is correct, 0 otherwise (a
   * missing answer included). The group of each sample is its prompt id.
   */
  public static List<LabelledSample> sampleAndGrade(
      PolicyModel policy,
      Tokenizer tokenizer,
      List<TaskPrompt> prompts,
      int perPrompt,
      double temperature,
      int maxNewTokens,
      int batchSize,
      long seed) {
    List<TaskPrompt> queue = new ArrayList<>();
    for (TaskPrompt prompt : prompts) {
      for (int k = 0; k < perPrompt; k++) {
        queue.add(prompt);
      }
    }
    SamplingParams params = SamplingParams.of(tokenizer, temperature, maxNewTokens);
    SplittableRandom seeds = new SplittableRandom(seed);
    List<LabelledSample> out = new ArrayList<>(queue.size());
    for (int from = 0; from < queue.size(); from += batchSize) {
      List<TaskPrompt> batch = queue.subList(from, Math.min(queue.size(), from + batchSize));
      List<int[]> ids = batch.stream().map(p -> promptIds(tokenizer, p.prompt())).toList();
      long[] rowSeeds = new long[batch.size()];
      for (int i = 0; i < rowSeeds.length; i++) {
        rowSeeds[i] = seeds.nextLong();
      }
      List<Completion> completions = Sampler.generate(policy, ids, params, rowSeeds);
      for (int i = 0; i < batch.size(); i++) {
        String text = tokenizer.decode(completions.get(i).tokens());
        TaskPrompt prompt = batch.get(i);
        out.add(
            new LabelledSample(prompt.prompt(), text, grade(prompt, text) ? 1 : 0, prompt.id()));
      }
    }
    return out;
  }

  /** The rule reward: the prompt's verifier on the text inside the answer tags. */
  public static boolean grade(TaskPrompt prompt, String completion) {
    Optional<String> answer = CompletionFormat.extractAnswer(completion);
    return answer.isPresent()
        && !answer.get().isEmpty()
        && TaskKind.verify(prompt, answer.get()).isCorrect();
  }

  private static int[] promptIds(Tokenizer tokenizer, String prompt) {
    return tokenizer.encodePrompt(prompt);
  }

  private static int[] completionIds(Tokenizer tokenizer, io.tributary.tasks.SftExample example) {
    int[] text = tokenizer.encode(example.completion());
    int[] ids = Arrays.copyOf(text, text.length + 1);
    ids[text.length] = tokenizer.eos();
    return ids;
  }
}
