package io.tributary.bench;

import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import java.util.List;

/**
 * Prefill and KV-cache decode rates through the sampler the rollouts use, so that the figures
 * include what a real step pays (the mask, the rotary tables, the cache's writes, the logits of the
 * whole vocabulary copied to the host and drawn from). The sampler runs prefill and decode in one
 * call, so decode is timed as the difference between a call that generates {@code 1 + n} tokens and
 * one that generates 1: the prefill and the first draw cancel out.
 */
public final class GenerationRates {
  private GenerationRates() {}

  /** Prompt tokens per second of the forward over {@code batch} prompts of {@code length}. */
  public static double prefillTokensPerS(PolicyModel model, int batch, int length, int repeats) {
    Run run = new Run(model, batch, length);
    double[] rates = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      rates[i] = (double) batch * length / run.seconds(1);
    }
    return Measure.median(rates);
  }

  /**
   * Generated tokens per second (all rows together) of {@code newTokens} cached decode steps. Each
   * length is timed {@code repeats} times and the fastest of each is taken: on a busy machine a
   * single pair of timings can differ by more than a few tiny steps take, while the fastest of
   * several is what the code costs. When even that leaves no difference, the step count doubles (a
   * tiny model's step is shorter than the noise), up to four times.
   */
  public static double decodeTokensPerS(
      PolicyModel model, int batch, int promptLength, int newTokens, int repeats) {
    Run run = new Run(model, batch, promptLength);
    int steps = newTokens;
    for (int attempt = 0; attempt < 4; attempt++, steps *= 2) {
      double prefill = Double.POSITIVE_INFINITY;
      double full = Double.POSITIVE_INFINITY;
      for (int i = 0; i < Math.max(1, repeats); i++) {
        prefill = Math.min(prefill, run.seconds(1));
        full = Math.min(full, run.seconds(1 + steps));
      }
      double decode = full - prefill;
      if (decode > 0) {
        return (double) batch * steps / decode;
      }
    }
    throw new IllegalStateException(
        "decode timing: up to " + steps / 2 + " extra steps took no time; use more new tokens");
  }

  /** Fixed prompts and seeds for one batch shape, warmed up once. */
  private static final class Run {
    private final PolicyModel model;
    private final List<int[]> prompts;
    private final long[] seeds;

    Run(PolicyModel model, int batch, int promptLength) {
      this.model = model;
      prompts = ModelBenchmark.randomRows(batch, promptLength, model.config().vocabSize(), 11);
      seeds = new long[batch];
      for (int i = 0; i < batch; i++) {
        seeds[i] = i;
      }
      seconds(2);
    }

    /** Seconds of one sampler call generating exactly {@code newTokens} tokens per row. */
    double seconds(int newTokens) {
      // no stop token, so every row runs every step; token 0 is never drawn
      SamplingParams params =
          new SamplingParams(1.0, 1.0, 0, newTokens, new int[0], 0, new int[] {0}, true);
      return Measure.seconds(() -> Sampler.generate(model, prompts, params, seeds));
    }
  }
}
