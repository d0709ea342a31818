package io.tributary.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.DecodeProduct;
import io.tributary.model.Dispatch;
import io.tributary.model.GradMode;
import io.tributary.model.ModelConfig;
import io.tributary.model.MoeFeedForward;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code tributary bench model}: training and generation throughput of the policy, sparse versus
 * dense expert dispatch, memory over a 300-step training run, the engine's matmul ceiling and the
 * model FLOPs utilisation; and, for models of any size, prefill and KV-cache decode rates at batch
 * 1 and 32, the memory of one training step, the engine's memory bandwidth ceiling and the share of
 * it a decode step at batch 1 reaches. Every timing is repeated and the median reported; a figure a
 * run does not compute is absent from the report.
 */
public final class ModelBenchmark {
  /** The memory one training step of the benchmark's model must stay within: a 24 GiB machine. */
  static final double TRAIN_STEP_LIMIT_GIB = 24;

  /**
   * What to run: batch and lengths follow the prototype's figures (docs/engineering-notes.md,
   * "Benchmark shapes").
   *
   * @param smallModelSuite the figures that only a small model affords: generation without the KV
   *     cache, MoE dispatch, training throughput and the {@code trainSteps} memory run
   * @param prefillLength prompt tokens of the prefill timing, at batch 1
   * @param decodePrompt prompt tokens before the decode timings
   * @param decodeNewTokens cached decode steps timed at each batch
   * @param decodeBatch the large decode batch (the small one is 1)
   * @param stepBatch rows of the one training step whose memory is measured
   * @param stepLength tokens per row of that step
   * @param bandwidthBytes bytes of each array of the bandwidth ceiling
   * @param precision how an imported policy stores its weights; the training step is measured only
   *     in float32, the one precision that trains
   */
  public record Settings(
      int trainBatch,
      int trainLength,
      int trainSteps,
      int genBatch,
      int genPrompt,
      int genNewTokens,
      int repeats,
      boolean smallModelSuite,
      int prefillLength,
      int decodePrompt,
      int decodeNewTokens,
      int decodeBatch,
      int stepBatch,
      int stepLength,
      long bandwidthBytes,
      Precision precision) {
    private static final long GIB = 1L << 30;

    /** The small model: every figure. */
    public static Settings defaults() {
      return new Settings(
          32, 64, 300, 32, 16, 48, 3, true, 128, 16, 32, 32, 1, 256, GIB / 2, Precision.FLOAT32);
    }

    /** A model of real size (Qwen3-0.6B): the figures that take minutes, not hours. */
    public static Settings largeModel() {
      return new Settings(
          0, 0, 0, 0, 0, 0, 2, false, 256, 8, 12, 32, 1, 256, GIB / 2, Precision.FLOAT32);
    }

    public Settings withRepeats(int n) {
      return new Settings(
          trainBatch,
          trainLength,
          trainSteps,
          genBatch,
          genPrompt,
          genNewTokens,
          n,
          smallModelSuite,
          prefillLength,
          decodePrompt,
          decodeNewTokens,
          decodeBatch,
          stepBatch,
          stepLength,
          bandwidthBytes,
          precision);
    }

    public Settings withPrecision(Precision p) {
      return new Settings(
          trainBatch,
          trainLength,
          trainSteps,
          genBatch,
          genPrompt,
          genNewTokens,
          repeats,
          smallModelSuite,
          prefillLength,
          decodePrompt,
          decodeNewTokens,
          decodeBatch,
          stepBatch,
          stepLength,
          bandwidthBytes,
          p);
    }

    public Settings withTrainSteps(int n) {
      return new Settings(
          trainBatch,
          trainLength,
          n,
          genBatch,
          genPrompt,
          genNewTokens,
          repeats,
          smallModelSuite,
          prefillLength,
          decodePrompt,
          decodeNewTokens,
          decodeBatch,
          stepBatch,
          stepLength,
          bandwidthBytes,
          precision);
    }
  }

  /**
   * Decode timings at batch 1, each followed by the memory ceilings it is divided by; the median
   * pair's ratio is reported.
   */
  static final int DECODE_PAIRS = 3;

  private ModelBenchmark() {}

  /** The product a decode step at batch 1 uses: float16's, the Java kernel's, or libtorch's. */
  private static double decodeProduct(MemoryBandwidth bandwidth, Precision precision) {
    return precision == Precision.FLOAT16
        ? bandwidth.matVecFloat16GbPerS()
        : bandwidth.matVecJavaGbPerS() != null
            ? bandwidth.matVecJavaGbPerS()
            : bandwidth.matVecGbPerS();
  }

  public static Map<String, Object> run(ModelConfig config, Settings s, PrintStream out) {
    return run(new PolicySource.FromConfig(config, "config"), s, out);
  }

  public static Map<String, Object> run(PolicySource source, Settings s, PrintStream out) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model_source", source.describe());
    ModelConfig config;
    double peak;
    MemoryBandwidth bandwidth;
    double[] efficiency = new double[DECODE_PAIRS];
    double[] matVecEfficiency = new double[DECODE_PAIRS];
    try (PolicyModel model = open(source, s.precision(), r, out)) {
      config = model.config();
      r.put("device", model.device().toString());
      r.put("params_total", model.parameterCounts().total());
      r.put("params_active", model.parameterCounts().activePerToken());
      r.put("dtype", config.dtype().name().toLowerCase(java.util.Locale.ROOT));
      out.println("policy: " + model.parameterCounts());

      out.println("prefill and decode ...");
      r.put(
          "prefill_tokens_per_s",
          GenerationRates.prefillTokensPerS(model, 1, s.prefillLength(), s.repeats()));
      // decode at batch 1 and the memory ceilings in pairs, each ceiling measured right after the
      // decode it bounds: on a shared machine the memory's rate drifts within seconds, and a
      // ceiling taken minutes apart bounded another machine (docs/decode-bandwidth.md, section 6)
      long bytesPerStep = DecodeTraffic.weightBytesPerStep(config);
      double[] steps = new double[DECODE_PAIRS];
      MemoryBandwidth[] ceilings = new MemoryBandwidth[DECODE_PAIRS];
      for (int i = 0; i < DECODE_PAIRS; i++) {
        steps[i] =
            GenerationRates.decodeTokensPerS(
                model, 1, s.decodePrompt(), s.decodeNewTokens(), s.repeats());
        ceilings[i] = MemoryBandwidth.measure(s.bandwidthBytes(), s.repeats());
        efficiency[i] =
            DecodeTraffic.efficiency(bytesPerStep, steps[i], ceilings[i].ceilingGbPerS());
        matVecEfficiency[i] =
            DecodeTraffic.efficiency(
                bytesPerStep, steps[i], decodeProduct(ceilings[i], s.precision()));
      }
      r.put("decode_tokens_per_s_batch1", Measure.median(steps));
      r.put("decode_tokens_per_s_batch1_pairs", steps);
      r.put(
          "bandwidth_gb_per_s_pairs",
          Arrays.stream(ceilings).mapToDouble(MemoryBandwidth::ceilingGbPerS).toArray());
      r.put("decode_bandwidth_efficiency_pairs", efficiency);
      bandwidth = MemoryBandwidth.median(ceilings);
      if (DecodeProduct.enabled() && s.precision() == Precision.FLOAT32) {
        // the same decode with the step op by op in libtorch and only the products in Java, then
        // with libtorch's product too: what the step in Java and the kernel each add
        r.put(
            "decode_tokens_per_s_batch1_java_products",
            DecodeProduct.withStepInLibtorch(
                () ->
                    GenerationRates.decodeTokensPerS(
                        model, 1, s.decodePrompt(), s.decodeNewTokens(), s.repeats())));
        r.put(
            "decode_tokens_per_s_batch1_libtorch",
            DecodeProduct.withLibtorch(
                () ->
                    GenerationRates.decodeTokensPerS(
                        model, 1, s.decodePrompt(), s.decodeNewTokens(), s.repeats())));
      }
      r.put(
          "decode_tokens_per_s_batch" + s.decodeBatch(),
          GenerationRates.decodeTokensPerS(
              model, s.decodeBatch(), s.decodePrompt(), s.decodeNewTokens(), s.repeats()));

      out.println("ceilings ...");
      peak = peakGflops(s.repeats());
      r.put("peak_gflops", peak);
      r.put("bandwidth_scale_gb_per_s", bandwidth.scaleGbPerS());
      r.put("bandwidth_add_gb_per_s", bandwidth.addGbPerS());
      r.put("bandwidth_read_gb_per_s", bandwidth.readGbPerS());
      r.put("bandwidth_gb_per_s", bandwidth.ceilingGbPerS());
      r.put("matvec_gb_per_s", bandwidth.matVecGbPerS());
      r.put("matvec_float16_gb_per_s", bandwidth.matVecFloat16GbPerS());
      if (bandwidth.matVecJavaGbPerS() != null) {
        r.put("matvec_java_gb_per_s", bandwidth.matVecJavaGbPerS());
      }

      if (s.smallModelSuite()) {
        smallModelThroughput(model, s, r);
      }

      if (s.precision() == Precision.FLOAT32) {
        out.println("one training step ...");
        trainStepMemory(model, s, r);
      }
    }

    if (s.smallModelSuite() && s.trainSteps() > 0) {
      memoryRun(config, s, r, out);
    }

    long active = ((Number) r.get("params_active")).longValue();
    if (r.get("train_tokens_per_s") instanceof Double trainRate) {
      r.put("train_mfu", 6.0 * active * trainRate / (peak * 1e9));
    }
    long bytesPerStep = DecodeTraffic.weightBytesPerStep(config);
    double stepsPerSecond = (Double) r.get("decode_tokens_per_s_batch1"); // one token per step
    r.put("decode_weight_bytes_per_step", bytesPerStep);
    r.put("decode_gb_per_s_batch1", bytesPerStep * stepsPerSecond / 1e9);
    if (r.get("decode_tokens_per_s_batch1_java_products") instanceof Double productSteps) {
      r.put("decode_gb_per_s_batch1_java_products", bytesPerStep * productSteps / 1e9);
    }
    if (r.get("decode_tokens_per_s_batch1_libtorch") instanceof Double libtorchSteps) {
      r.put("decode_gb_per_s_batch1_libtorch", bytesPerStep * libtorchSteps / 1e9);
    }
    // the median of the pairs' ratios, each decode against the ceiling measured right after it
    r.put("decode_bandwidth_efficiency", Measure.median(efficiency));
    // the share of the engine's own matrix-vector speed (in the policy's precision) a whole step
    // keeps, paired likewise: what the other ops of a step (norms, rotary, cache, attention,
    // sampling) and their per-op overhead cost
    r.put("decode_matvec_efficiency", Measure.median(matVecEfficiency));
    printTable(r, out);
    out.println(Json.write(r));
    return r;
  }

  /** The policy, timing its load and the peak resident memory meanwhile when it is read. */
  private static PolicyModel open(
      PolicySource source, Precision precision, Map<String, Object> r, PrintStream out) {
    if (source instanceof PolicySource.FromConfig c) {
      if (precision != Precision.FLOAT32) {
        throw new IllegalArgumentException(
            "precision " + precision + ": only an imported (--hf) policy is benchmarked in it");
      }
      return c.create();
    }
    if (source instanceof PolicySource.HfDirectory hf) {
      return CheckpointLoad.load(hf.dir(), precision, r, out);
    }
    PolicySource.GeneratedCheckpoint g = (PolicySource.GeneratedCheckpoint) source;
    return CheckpointLoad.generateAndLoad(g.config(), g.parent(), precision, r, out);
  }

  /** The figures of the small model: cache versus none, MoE dispatch, training throughput. */
  private static void smallModelThroughput(PolicyModel model, Settings s, Map<String, Object> r) {
    ModelConfig config = model.config();
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
    if (config.moeLayers() > 0) {
      double sparse = moeLayerRate(config, s, Dispatch.SPARSE);
      double dense = moeLayerRate(config, s, Dispatch.DENSE);
      r.put("moe_sparse_tokens_per_s", sparse);
      r.put("moe_dense_tokens_per_s", dense);
      r.put("moe_sparse_speedup", sparse / dense);
    }
    List<SftExample> batch = examples(s.trainBatch(), s.trainLength(), config.vocabSize(), 5);
    r.put("train_step_sparse_tokens_per_s", trainRate(model, batch, Dispatch.SPARSE, s.repeats()));
    if (config.moeLayers() > 0) {
      r.put("train_step_dense_tokens_per_s", trainRate(model, batch, Dispatch.DENSE, s.repeats()));
    }
  }

  /**
   * Peak resident memory of the process over one SFT step (forward, backward, AdamW with its
   * moments created on this first step), the most a training step of this model needs.
   */
  private static void trainStepMemory(PolicyModel model, Settings s, Map<String, Object> r) {
    List<SftExample> batch = examples(s.stepBatch(), s.stepLength(), model.config().vocabSize(), 9);
    SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(1e-9, 100), 0);
    System.gc(); // garbage of earlier phases (a loader's float arrays) is not the step's
    RssPeak peak = RssPeak.start();
    double seconds;
    try {
      seconds = Measure.seconds(() -> trainer.step(batch));
    } finally {
      peak.close();
    }
    r.put("train_step_shape", s.stepBatch() + "x" + s.stepLength());
    r.put("train_step_seconds", seconds);
    r.put("train_step_peak_rss_mb", peak.peakMb());
    r.put("train_step_within_24gib", peak.peakMb() <= TRAIN_STEP_LIMIT_GIB * 1024);
  }

  /** A fresh model trained for trainSteps: throughput and resident memory. */
  private static void memoryRun(
      ModelConfig config, Settings s, Map<String, Object> r, PrintStream out) {
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
    out.println();
    if (r.containsKey("gen_kv_speedup")) {
      out.printf("KV cache %.2fx faster than no cache%n", r.get("gen_kv_speedup"));
    }
    if (r.containsKey("moe_sparse_speedup")) {
      out.printf("sparse dispatch %.2fx faster than dense%n", r.get("moe_sparse_speedup"));
    }
    if (r.containsKey("rss_mb_step100") && r.containsKey("rss_mb_step300")) {
      out.printf(
          "RSS step 300 / step 100 = %.3f%n",
          ((Number) r.get("rss_mb_step300")).doubleValue()
              / ((Number) r.get("rss_mb_step100")).doubleValue());
    }
    out.printf(
        "decode at batch 1 reads %.2f GB/s of weights, %.0f%% of the %.2f GB/s the engine reaches%n",
        r.get("decode_gb_per_s_batch1"),
        100 * (Double) r.get("decode_bandwidth_efficiency"),
        r.get("bandwidth_gb_per_s"));
    out.printf(
        "the engine's matrix-vector product alone reads %.2f GB/s (float16: %.2f); a whole decode step"
            + " keeps %.0f%% of the one it uses%n",
        r.get("matvec_gb_per_s"),
        r.get("matvec_float16_gb_per_s"),
        100 * (Double) r.get("decode_matvec_efficiency"));
    if (r.containsKey("decode_gb_per_s_batch1_libtorch")) {
      out.printf(
          "decode at batch 1 reads %.2f GB/s of weights with the step in Java, %.2f with the step"
              + " op by op in libtorch and the Java product (%.2f GB/s alone), %.2f all in"
              + " libtorch%n",
          r.get("decode_gb_per_s_batch1"),
          r.get("decode_gb_per_s_batch1_java_products"),
          r.get("matvec_java_gb_per_s"),
          r.get("decode_gb_per_s_batch1_libtorch"));
    }
    if (!r.containsKey("train_step_peak_rss_mb")) {
      return;
    }
    out.printf(
        "one training step (%s tokens) peaks at %.2f GiB resident: %s the %.0f GiB limit%n",
        r.get("train_step_shape"),
        (Double) r.get("train_step_peak_rss_mb") / 1024,
        Boolean.TRUE.equals(r.get("train_step_within_24gib")) ? "within" : "OVER",
        TRAIN_STEP_LIMIT_GIB);
  }
}
