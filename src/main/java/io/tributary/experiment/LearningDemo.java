package io.tributary.experiment;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.grpo.Evaluator;
import io.tributary.grpo.GroupSampler;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoLoop;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.PromptStream;
import io.tributary.json.Json;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.reward.RewardScorer;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The GRPO learning demonstration of the DeepSeek-R1 recipe on one machine: an SFT cold start on
 * noisy reasoning traces, then GRPO from that checkpoint beside an equal-wall-time continuation of
 * SFT, both evaluated on held-out prompts never trained on; a report with plots at the end.
 */
public final class LearningDemo {
  private final DemoConfig config;
  private final Path runDir;
  private final PrintStream out;
  private final CharTokenizer tokenizer = new CharTokenizer();

  public LearningDemo(DemoConfig config, Path runDir, PrintStream out) {
    this.config = config;
    this.runDir = runDir;
    this.out = out;
  }

  /** Everything measured, as the report's table rows. */
  public record Outcome(
      Evaluator.Result start,
      Evaluator.Result grpoEnd,
      Evaluator.Result grpoBest,
      Evaluator.Result sftEnd,
      long grpoSteps) {}

  public Outcome run() throws IOException {
    Files.createDirectories(runDir);
    // a record beside the report, which may be copied into docs/: no absolute paths in it
    Files.writeString(
        runDir.resolve("config.yaml"), io.tributary.config.Yaml.write(config, Path.of("")));
    GeneratedSplits data = data();
    List<TaskPrompt> heldout = data.heldout().subList(0, config.evalPrompts());
    ModelConfig modelConfig = ModelConfig.load(config.model());
    Path sftCheckpoint = runDir.resolve("sft.ckpt");
    if (!Files.exists(sftCheckpoint)) {
      coldStart(modelConfig, data, sftCheckpoint);
    } else {
      out.println("SFT cold start: reusing " + sftCheckpoint);
    }
    Evaluator evaluator = new Evaluator(tokenizer, config.grpo().maxNewTokens());
    Evaluator.Result start;
    try (PolicyModel policy = Checkpoint.read(sftCheckpoint).toModel(modelConfig)) {
      start =
          evaluator.evaluate(
              policy, heldout, config.passK(), config.grpo().temperature(), config.seed());
    }
    out.printf("SFT start: %s%n", format(start));

    Curve grpo = grpoRun(modelConfig, data.train(), heldout, sftCheckpoint, evaluator);
    Curve sft =
        config.compareSft()
            ? sftContinuation(modelConfig, data, heldout, sftCheckpoint, evaluator)
            : null;
    Outcome outcome =
        new Outcome(start, grpo.last(), grpo.best(), sft == null ? null : sft.last(), grpo.steps);
    new DemoReport(runDir, config, outcome, grpo, sft).write(out);
    return outcome;
  }

  private GeneratedSplits data() {
    return ColdStart.data(config.task(), config.seed(), runDir);
  }

  private void coldStart(ModelConfig modelConfig, GeneratedSplits data, Path target) {
    ColdStart.train(
        modelConfig,
        data,
        config.sftSteps(),
        config.sftBatch(),
        config.sftLearningRate(),
        config.seed(),
        target,
        out);
  }

  private long trainFor(
      SftTrainer trainer,
      List<SftExample> examples,
      double seconds,
      long maxSteps,
      Random random,
      String label) {
    long deadline =
        Double.isInfinite(seconds) ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
    long steps = 0;
    while (System.nanoTime() < deadline && steps < maxSteps) {
      List<SftExample> batch = new ArrayList<>();
      for (int i = 0; i < config.sftBatch(); i++) {
        batch.add(examples.get(random.nextInt(examples.size())));
      }
      SftTrainer.StepResult r = trainer.step(batch);
      steps++;
      if (steps % 100 == 0 || steps == 10) {
        out.printf("  %s step %d: loss %.4f%n", label, steps, r.loss());
      }
    }
    return steps;
  }

  private List<SftExample> examples(List<io.tributary.tasks.SftExample> traces) {
    return ColdStart.examples(tokenizer, traces);
  }

  /** Held-out accuracy against training seconds, plus per-step metrics for GRPO. */
  static final class Curve {
    final List<double[]> points = new ArrayList<>(); // seconds, pass@1, greedy, pass@k
    final List<Map<String, Object>> steps_ = new ArrayList<>();
    final List<Evaluator.Result> results = new ArrayList<>();
    long steps;

    Evaluator.Result last() {
      return results.get(results.size() - 1);
    }

    Evaluator.Result best() {
      return results.stream()
          .max(java.util.Comparator.comparingDouble(Evaluator.Result::passAt1))
          .orElseThrow();
    }
  }

  private Curve grpoRun(
      ModelConfig modelConfig,
      List<TaskPrompt> train,
      List<TaskPrompt> heldout,
      Path sftCheckpoint,
      Evaluator evaluator)
      throws IOException {
    GrpoConfig g = config.grpo();
    Checkpoint start = Checkpoint.read(sftCheckpoint);
    Curve curve = new Curve();
    Path metricsFile = runDir.resolve("grpo_metrics.jsonl");
    Files.deleteIfExists(metricsFile);
    try (PolicyModel policy = start.toModel(modelConfig);
        PolicyModel reference = g.beta() > 0 ? start.toModel(modelConfig) : null;
        RewardScorer scorer = RewardScorer.fromConfig(config.rewards())) {
      SamplingParams sampling =
          SamplingParams.of(tokenizer, g.temperature(), g.maxNewTokens()).withTopP(g.topP());
      // routing traces are a few bytes a token: recorded always, for routing replay when it is on
      // and for the routing mismatch metric when it is off
      GroupSampler sampler =
          new GroupSampler(tokenizer, scorer, sampling, g.groupSize(), g.seed(), true);
      GrpoLoop loop =
          new GrpoLoop(
              policy,
              sampler,
              new GrpoTrainer(policy, reference, g, sampling, tokenizer.pad()),
              new PromptStream(train, g.seed()));
      double trained = 0;
      double nextEval = config.evalEverySeconds();
      record(
          curve,
          0,
          evaluator.evaluate(policy, heldout, config.passK(), g.temperature(), config.seed()),
          "GRPO");
      while (trained < config.budgetSeconds()) {
        Map<String, Object> m = loop.runStep();
        trained += ((Number) m.get("step_time_s")).doubleValue();
        m.put("train_seconds", trained);
        curve.steps_.add(m);
        Files.writeString(
            metricsFile,
            Json.write(m) + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        if (loop.steps() % 5 == 0) {
          // a metric that was not computed (kl at beta = 0, no update) prints as "-", never 0
          out.printf(
              "  GRPO step %d (%.0f s): reward %s, zero-std %s, kept %s, unscored %s, len %s, kl %s, entropy %s%n",
              loop.steps(),
              trained,
              shown(m.get("reward_mean"), "%.3f"),
              shown(m.get("frac_reward_zero_std"), "%.2f"),
              m.get("groups_kept"),
              loop.unscoredGroups(),
              shown(m.get("completion_length_mean"), "%.1f"),
              shown(m.get("kl"), "%.4f"),
              shown(m.get("entropy"), "%.3f"));
        }
        if (trained >= nextEval || trained >= config.budgetSeconds()) {
          record(
              curve,
              trained,
              evaluator.evaluate(policy, heldout, config.passK(), g.temperature(), config.seed()),
              "GRPO");
          nextEval += config.evalEverySeconds();
        }
      }
      curve.steps = loop.steps();
      Checkpoint.save(
          runDir.resolve("grpo.ckpt"),
          policy,
          tokenizer.spec(),
          1,
          loop.steps(),
          Map.of("stage", "grpo"));
    }
    return curve;
  }

  private static String shown(Object value, String format) {
    return value instanceof Number n ? String.format(format, n.doubleValue()) : "-";
  }

  private Curve sftContinuation(
      ModelConfig modelConfig,
      GeneratedSplits data,
      List<TaskPrompt> heldout,
      Path sftCheckpoint,
      Evaluator evaluator) {
    Curve curve = new Curve();
    List<SftExample> examples = examples(data.sftTrain());
    try (PolicyModel policy = Checkpoint.read(sftCheckpoint).toModel(modelConfig)) {
      // continue with the cold start's recipe at its final learning rate, for the same wall time
      double lr = config.sftLearningRate() * 0.1;
      SftTrainer trainer =
          new SftTrainer(
              policy,
              new OptimizerConfig(lr, lr, 0, 1_000_000, null, null, null, 0.01, 1.0),
              tokenizer.pad());
      Random random = new Random(config.seed() + 1);
      double trained = 0;
      record(
          curve,
          0,
          evaluator.evaluate(
              policy, heldout, config.passK(), config.grpo().temperature(), config.seed()),
          "SFT");
      while (trained < config.budgetSeconds()) {
        double chunk = Math.min(config.evalEverySeconds(), config.budgetSeconds() - trained);
        long before = System.nanoTime();
        curve.steps +=
            trainFor(trainer, examples, chunk, Long.MAX_VALUE, random, "SFT continuation");
        trained += (System.nanoTime() - before) / 1e9;
        record(
            curve,
            trained,
            evaluator.evaluate(
                policy, heldout, config.passK(), config.grpo().temperature(), config.seed()),
            "SFT");
      }
    }
    return curve;
  }

  private void record(Curve curve, double seconds, Evaluator.Result r, String label) {
    curve.points.add(new double[] {seconds, r.passAt1(), r.greedy(), r.passAtK()});
    curve.results.add(r);
    out.printf("  [%s held-out at %.0f s] %s%n", label, seconds, format(r));
    try {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("run", label);
      line.put("train_seconds", seconds);
      line.put("pass_at_1", r.passAt1());
      line.put("pass_at_k", r.passAtK());
      line.put("k", r.k());
      line.put("greedy", r.greedy());
      line.put("format_rate", r.formatRate());
      Files.writeString(
          runDir.resolve("eval.jsonl"),
          Json.write(line) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String format(Evaluator.Result r) {
    return String.format(
        "pass@1 %.1f%%, pass@%d %.1f%%, greedy %.1f%%, well-formed %.1f%% (%d prompts)",
        100 * r.passAt1(),
        r.k(),
        100 * r.passAtK(),
        100 * r.greedy(),
        100 * r.formatRate(),
        r.prompts());
  }
}
