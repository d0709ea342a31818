package io.tributary.bench;

import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.RolloutGroup;
import io.tributary.grpo.UpdateStats;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.FinishReason;
import io.tributary.model.LoraConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learner's cost of one GRPO update on long completions: one group of G sampled-looking
 * completions of exactly {@code newTokens} tokens (random ids; their values do not change the work
 * done), trained in G mini-batches of one sequence, so each optimizer step holds one sequence's
 * activations. Reports the process's peak resident memory over the update (libtorch's CPU
 * allocations live there; it has no allocator statistics of its own on CPU) and the tokens trained
 * per second.
 */
public final class LearnerBenchmark {

  /**
   * {@code loraRank} 0 trains every weight; otherwise adapters of that rank (alpha 2·rank) on every
   * projection, the base frozen.
   */
  public record Settings(
      int promptTokens, int newTokens, int groupSize, int loraRank, double beta, long seed) {
    public Settings {
      if (promptTokens < 1 || newTokens < 1) {
        throw new IllegalArgumentException(
            "promptTokens and newTokens: got "
                + promptTokens
                + ", "
                + newTokens
                + "; expected >= 1");
      }
      if (groupSize < 2) {
        throw new IllegalArgumentException(
            "groupSize: got " + groupSize + ", expected >= 2 (one member has no advantage)");
      }
    }
  }

  /** The figures of one update; {@code rssPeakExact} tells the kernel's high-water mark. */
  public record Result(
      Settings settings,
      double seconds,
      double rssStartMb,
      double rssPeakMb,
      boolean rssPeakExact,
      long tokensTrained,
      long trainableParameters,
      UpdateStats stats) {
    public double tokensPerSecond() {
      return tokensTrained / seconds;
    }

    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("benchmark", "learner");
      m.put("prompt_tokens", settings.promptTokens());
      m.put("new_tokens", settings.newTokens());
      m.put("group_size", settings.groupSize());
      m.put("sequences_per_optimizer_step", 1);
      m.put("lora_rank", settings.loraRank());
      m.put("beta", settings.beta());
      m.put("trainable_parameters", trainableParameters);
      m.put("update_seconds", seconds);
      m.put("tokens_trained", tokensTrained);
      m.put("tokens_per_second", tokensPerSecond());
      m.put("rss_start_mb", rssStartMb);
      m.put("rss_peak_mb", rssPeakMb);
      m.put("rss_peak_over_start_mb", rssPeakMb - rssStartMb);
      m.put("rss_peak_exact", rssPeakExact);
      m.put("optimizer_steps", stats.optimizerSteps());
      return m;
    }
  }

  private LearnerBenchmark() {}

  /** Builds a random policy of {@code config} and times one update; prints and returns it. */
  public static Result run(ModelConfig config, Settings settings, PrintStream out) {
    try (PolicyModel policy = PolicyModel.create(config, settings.seed())) {
      if (settings.loraRank() > 0) {
        policy.attachAdapters(
            LoraConfig.of(settings.loraRank(), 2.0 * settings.loraRank(), List.of("all")));
      }
      long trainable =
          policy.trainableParameters().stream()
              .mapToLong(p -> p.getValue().getArray().size())
              .sum();
      GrpoTrainer trainer =
          new GrpoTrainer(
              policy,
              null,
              grpoConfig(settings),
              new SamplingParams(1.0, 1.0, 0, settings.newTokens(), null, 0, null, true),
              0);
      List<RolloutGroup> groups = List.of(group(config.vocabSize(), settings));
      out.printf(
          "learner: %d prompt + %d new tokens, G=%d, one sequence per optimizer step, %s%n",
          settings.promptTokens(),
          settings.newTokens(),
          settings.groupSize(),
          settings.loraRank() > 0
              ? "LoRA rank " + settings.loraRank() + " on every projection"
              : "every weight trained");
      // the initialisation's float arrays are garbage now; collected, the JVM can return them
      System.gc();
      UpdateStats[] stats = new UpdateStats[1];
      double seconds;
      RssPeak peak = RssPeak.start();
      try (peak) {
        seconds = Measure.seconds(() -> stats[0] = trainer.update(groups));
      }
      long tokens = (long) settings.groupSize() * (settings.promptTokens() + settings.newTokens());
      Result result =
          new Result(
              settings,
              seconds,
              peak.startMb(),
              peak.peakMb(),
              peak.exact(),
              tokens,
              trainable,
              stats[0]);
      out.printf(
          "update %.1f s, %.1f tokens/s; resident memory %.0f MiB before, peak %.0f MiB (+%.0f)%n",
          seconds,
          result.tokensPerSecond(),
          result.rssStartMb(),
          result.rssPeakMb(),
          result.rssPeakMb() - result.rssStartMb());
      out.println(Json.write(result.toJson()));
      return result;
    }
  }

  private static GrpoConfig grpoConfig(Settings s) {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("sampling", Map.of("groupSize", s.groupSize(), "maxNewTokens", s.newTokens()));
    yaml.put("promptsPerStep", 1);
    yaml.put("miniBatches", s.groupSize());
    yaml.put("numIterations", 1);
    yaml.put("beta", s.beta());
    yaml.put("seed", s.seed());
    return Json.mapper().convertValue(yaml, GrpoConfig.class);
  }

  /** G completions of random ids with alternating rewards, so every advantage is non-zero. */
  static RolloutGroup group(int vocab, Settings s) {
    Random rng = new Random(s.seed());
    int[] prompt = rng.ints(s.promptTokens(), 1, vocab).toArray();
    List<Completion> completions = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<RolloutScores> scores = new ArrayList<>();
    for (int j = 0; j < s.groupSize(); j++) {
      int[] tokens = rng.ints(s.newTokens(), 1, vocab).toArray();
      float[] logProbs = new float[tokens.length];
      Arrays.fill(
          logProbs, (float) -Math.log(vocab)); // a uniform sampler's, near the random model's
      completions.add(new Completion(tokens, logProbs, FinishReason.LENGTH));
      texts.add("");
      double reward = j % 2;
      scores.add(
          new RolloutScores(
              Rollout.of("", "", Map.of()),
              Map.of("synthetic", reward),
              Map.of(),
              Map.of(),
              reward));
    }
    return new RolloutGroup("bench", prompt, completions, texts, scores, 0, 1.0);
  }
}
