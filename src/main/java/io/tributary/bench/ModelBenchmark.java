package io.tributary.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.Dispatch;
import io.tributary.model.GradMode;
import io.tributary.model.ModelConfig;
import io.tributary.model.MoeFeedForward;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code tributary bench model}: training and generation throughput of the policy, sparse versus
 * dense expert dispatch, memory over a 300-step training run, the engine's matmul ceiling and the
 * model FLOPs utilisation. Every timing is repeated and the median reported.
 */
public final class ModelBenchmark {

  /** What to run: batch and lengths follow shared/notes/djl.md's prototype figures. */
  public record Settings(
      int trainBatch,
      int trainLength,
      int trainSteps,
      int genBatch,
      int genPrompt,
      int genNewTokens,
      int repeats) {
    public static Settings defaults() {
      return new Settings(32, 64, 300, 32, 16, 48, 3);
    }
  }

  private ModelBenchmark() {}

  public static Map<String, Object> run(ModelConfig config, Settings s, PrintStream out) {
    Map<String, Object> r = new LinkedHashMap<>();
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      r.put("device", model.device().toString());
      r.put("params_total", model.parameterCounts().total());
      r.put("params_active", model.parameterCounts().activePerToken());
      out.println("policy: " + model.parameterCounts());

      // generation: KV cache vs full recomputation, same prompts and seeds, no early stop
      List<int[]> prompts = randomRows(s.genBatch(), s.genPrompt(), config.vocabSize(), 3);
      long[] seeds = new long[s.genBatch()];
      for (int i = 0; i < seeds.length; i++) {
        seeds[i] = i;
      }
      SamplingParams sampling =
          new SamplingParams(1.0, 1.0, 0, s.genNewTokens(), new int[0], 0, new int[] {0}, true);
      double kv = generationRate(model, prompts, sampling, seeds, s.repeats());
      double noCache =
          generationRate(model, prompts, sampling.withKvCache(false), seeds, s.repeats());
      r.put("gen_tokens_per_s_kv", kv);
      r.put("gen_tokens_per_s_nocache", noCache);
      r.put("gen_kv_speedup", kv / noCache);

      // MoE dispatch: one MoE layer, forward and backward, sparse vs dense (every expert on
      // every token); and the whole training step with each, for context
      double sparse = moeLayerRate(config, s, Dispatch.SPARSE);
      double dense = moeLayerRate(config, s, Dispatch.DENSE);
      r.put("moe_sparse_tokens_per_s", sparse);
      r.put("moe_dense_tokens_per_s", dense);
      r.put("moe_sparse_speedup", sparse / dense);
      List<SftExample> batch = examples(s.trainBatch(), s.trainLength(), config.vocabSize(), 5);
      double stepSparse = trainRate(model, batch, Dispatch.SPARSE, s.repeats());
      double stepDense = trainRate(model, batch, Dispatch.DENSE, s.repeats());
      r.put("train_step_sparse_tokens_per_s", stepSparse);
      r.put("train_step_dense_tokens_per_s", stepDense);
    }

    // a fresh model trained for trainSteps: throughput and resident memory
    try (PolicyModel model = PolicyModel.create(config, 2)) {
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(3e-4, s.trainSteps()), 0);
      double[] rates = new double[s.trainSteps()];
      Random random = new Random(7);
      for (int step = 1; step <= s.trainSteps(); step++) {
        List<SftExample> data =
            examples(s.trainBatch(), s.trainLength(), config.vocabSize(), random.nextLong());
        long start = System.nanoTime();
        SftTrainer.StepResult result = trainer.step(data);
        double seconds = (System.nanoTime() - start) / 1e9;
        rates[step - 1] = (double) s.trainBatch() * (s.trainLength() - 1) / seconds;
        if (step == 100) {
          r.put("rss_mb_step100", Measure.rssMb());
        }
        if (step == s.trainSteps()) {
          r.put("rss_mb_step" + s.trainSteps(), Measure.rssMb());
          r.put("train_loss_last", result.loss());
        }
        if (step % 50 == 0) {
          out.printf(
              "  training step %d/%d: %.0f tok/s, loss %.3f, RSS %.0f MB%n",
              step, s.trainSteps(), rates[step - 1], result.loss(), Measure.rssMb());
        }
      }
      double[] steady =
          java.util.Arrays.copyOfRange(rates, Math.min(10, rates.length - 1), rates.length);
      r.put("train_tokens_per_s", Measure.median(steady));
    }

    double peak = peakGflops(s.repeats());
    r.put("peak_gflops", peak);
    long active = ((Number) r.get("params_active")).longValue();
    double trainRate = ((Number) r.get("train_tokens_per_s")).doubleValue();
    r.put("train_mfu", 6.0 * active * trainRate / (peak * 1e9));
    printTable(r, out);
    out.println(Json.write(r));
    return r;
  }

  private static double generationRate(
      PolicyModel model, List<int[]> prompts, SamplingParams params, long[] seeds, int repeats) {
    Sampler.generate(
        model, prompts.subList(0, 2), params.withMaxNewTokens(4), new long[] {0, 1}); // warm-up
    double[] rates = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long[] tokens = new long[1];
      double seconds =
          Measure.seconds(
              () -> {
                for (Completion c : Sampler.generate(model, prompts, params, seeds)) {
                  tokens[0] += c.length();
                }
              });
      rates[i] = tokens[0] / seconds;
    }
    return Measure.median(rates);
  }

  private static double trainRate(
      PolicyModel model, List<SftExample> batch, Dispatch dispatch, int repeats) {
    // a learning rate this small leaves the weights practically as they were between repeats
    SftTrainer trainer =
        new SftTrainer(model, OptimizerConfig.of(1e-9, 100), 0).withDispatch(dispatch);
    trainer.step(batch); // warm-up
    double[] rates = new double[repeats];
    long tokens = (long) batch.size() * (batch.get(0).length() - 1);
    for (int i = 0; i < repeats; i++) {
      int steps = 3;
      double seconds =
          Measure.seconds(
              () -> {
                for (int k = 0; k < steps; k++) {
                  trainer.step(batch);
                }
              });
      rates[i] = steps * tokens / seconds;
    }
    return Measure.median(rates);
  }

  /** Tokens per second through one MoE layer, forward and backward, on (B·T, C) activations. */
  static double moeLayerRate(ModelConfig config, Settings s, Dispatch dispatch) {
    int tokens = s.trainBatch() * s.trainLength();
    double[] rates = new double[s.repeats()];
    try (NDManager manager = NDManager.newBaseManager(config.device().resolve())) {
      MoeFeedForward layer = MoeFeedForward.standalone(config, manager, 3);
      RoutingContext routing = new RoutingContext(dispatch, false, null);
      Runnable pass =
          () -> {
            try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray x =
                  step.randomNormal(new Shape(s.trainBatch(), s.trainLength(), config.dim()));
              x.setRequiresGradient(true);
              collector.backward(layer.forward(x, routing).square().mean());
            }
          };
      pass.run(); // warm-up
      for (int i = 0; i < rates.length; i++) {
        double seconds =
            Measure.seconds(
                () -> {
                  for (int k = 0; k < 5; k++) {
                    pass.run();
                  }
                });
        rates[i] = 5.0 * tokens / seconds;
      }
      layer.getParameters().forEach(p -> p.getValue().close());
    }
    return Measure.median(rates);
  }

  /** A large float32 matmul through the same engine: the machine's practical ceiling. */
  static double peakGflops(int repeats) {
    int n = 1536;
    try (GradMode ignored = GradMode.disabled();
        NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
      NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
      a.matMul(b).close();
      double[] rates = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        double seconds =
            Measure.seconds(
                () -> {
                  for (int k = 0; k < 4; k++) {
                    a.matMul(b).close();
                  }
                });
        rates[i] = 4 * 2.0 * n * n * n / seconds / 1e9;
      }
      return Measure.median(rates);
    }
  }

  static List<int[]> randomRows(int rows, int length, int vocab, long seed) {
    Random random = new Random(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int[] row = new int[length];
      row[0] = 1;
      for (int j = 1; j < length; j++) {
        row[j] = 3 + random.nextInt(vocab - 3);
      }
      out.add(row);
    }
    return out;
  }

  /**
   * Fixed-length examples (a quarter prompt, the rest completion), so every step has equal work.
   */
  static List<SftExample> examples(int rows, int length, int vocab, long seed) {
    List<SftExample> out = new ArrayList<>();
    int prompt = length / 4;
    for (int[] row : randomRows(rows, length, vocab, seed)) {
      out.add(
          new SftExample(
              java.util.Arrays.copyOf(row, prompt),
              java.util.Arrays.copyOfRange(row, prompt, length)));
    }
    return out;
  }

  private static void printTable(Map<String, Object> r, PrintStream out) {
    out.println();
    out.println("| figure | value |");
    out.println("|---|---|");
    r.forEach(
        (k, v) ->
            out.printf("| %s | %s |%n", k, v instanceof Double d ? String.format("%,.3f", d) : v));
    out.printf(
        "%nKV cache %.2fx faster than no cache at %s; sparse dispatch %.2fx faster than dense; RSS step 300 / step 100 = %.3f%n",
        r.get("gen_kv_speedup"),
        "48 new tokens",
        r.get("moe_sparse_speedup"),
        ((Number) r.get("rss_mb_step300")).doubleValue()
            / ((Number) r.get("rss_mb_step100")).doubleValue());
  }
}
