package io.tributary.grpo;

import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.tasks.CompletionFormat;
import io.tributary.tasks.TaskKind;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out accuracy by the task's verifier: pass@1 estimated from k samples at the sampling
 * temperature (the mean correctness, an unbiased estimate), pass@k (a prompt counts if any of its k
 * samples is right), and greedy accuracy.
 */
public final class Evaluator {
  private final Tokenizer tokenizer;
  private final SamplingParams base;
  private final int batchRows;

  public Evaluator(Tokenizer tokenizer, int maxNewTokens) {
    this(tokenizer, SamplingParams.of(tokenizer, 1.0, maxNewTokens));
  }

  /**
   * Samples as {@code base} does (its stop and blocked tokens, its length budget: an imported
   * model's generation_config.json stop tokens), at the temperature each evaluation asks for.
   */
  public Evaluator(Tokenizer tokenizer, SamplingParams base) {
    this.tokenizer = tokenizer;
    this.base = base.withTopP(1.0).withTopK(0);
    this.batchRows = 256;
  }

  public record Result(
      double passAt1, double passAtK, int k, double greedy, double formatRate, int prompts) {}

  public Result evaluate(
      PolicyModel policy, List<TaskPrompt> prompts, int k, double temperature, long seed) {
    SamplingParams sampled = base.withTemperature(temperature);
    SamplingParams greedy = base.withTemperature(0);
    long correctSamples = 0;
    long wellFormed = 0;
    int solvedAny = 0;
    int greedyCorrect = 0;
    int promptsPerBatch = Math.max(1, batchRows / k);
    for (int start = 0; start < prompts.size(); start += promptsPerBatch) {
      List<TaskPrompt> part =
          prompts.subList(start, Math.min(prompts.size(), start + promptsPerBatch));
      List<int[]> rows = new ArrayList<>();
      long[] seeds = new long[part.size() * k];
      for (int p = 0; p < part.size(); p++) {
        int[] tokens = encode(part.get(p));
        for (int j = 0; j < k; j++) {
          rows.add(tokens);
          seeds[p * k + j] = GroupSampler.mix(seed, part.get(p).id().hashCode(), j);
        }
      }
      List<Completion> samples = Sampler.generate(policy, rows, sampled, seeds);
      for (int p = 0; p < part.size(); p++) {
        boolean any = false;
        for (int j = 0; j < k; j++) {
          String text = tokenizer.decode(samples.get(p * k + j).tokens());
          wellFormed += CompletionFormat.isWellFormed(text) ? 1 : 0;
          if (isCorrect(part.get(p), text)) {
            correctSamples++;
            any = true;
          }
        }
        solvedAny += any ? 1 : 0;
      }
      List<int[]> greedyRows = new ArrayList<>();
      for (TaskPrompt prompt : part) {
        greedyRows.add(encode(prompt));
      }
      List<Completion> greedyOut =
          Sampler.generate(policy, greedyRows, greedy, new long[part.size()]);
      for (int p = 0; p < part.size(); p++) {
        greedyCorrect +=
            isCorrect(part.get(p), tokenizer.decode(greedyOut.get(p).tokens())) ? 1 : 0;
      }
    }
    int n = prompts.size();
    return new Result(
        (double) correctSamples / ((long) n * k),
        (double) solvedAny / n,
        k,
        (double) greedyCorrect / n,
        (double) wellFormed / ((long) n * k),
        n);
  }

  private int[] encode(TaskPrompt prompt) {
    return tokenizer.encodePrompt(prompt.prompt());
  }

  public static boolean isCorrect(TaskPrompt prompt, String completion) {
    return CompletionFormat.extractAnswer(completion)
        .map(answer -> TaskKind.verify(prompt, answer).isCorrect())
        .orElse(false);
  }
}
