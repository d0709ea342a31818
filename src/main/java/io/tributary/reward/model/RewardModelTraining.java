package io.tributary.reward.model;

import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.tasks.ArithmeticConfig;
import io.tributary.tasks.ArithmeticGenerator;
import io.tributary.tasks.DatasetGenerator;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.Operator;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code tributary train-reward-model} end to end: make or read the labelled set, split it by
 * prompt, train the reward model with BCE, measure held-out AUC and accuracy, and save the model
 * with its card under {@code outputRoot/name/}.
 */
public final class RewardModelTraining {
  static final int CONTEXT = 128;
  private static final int EVAL_BATCH = 128;

  private RewardModelTraining() {}

  /** What a run did: the data, the SFT phase (when data was generated), training and metrics. */
  public record Report(
      String name,
      String directory,
      String dataSource,
      int trainSamples,
      int heldoutSamples,
      double trainPositiveRate,
      PolicySamples.SftSummary sft,
      int steps,
      double seconds,
      double finalLoss,
      long parameters,
      BinaryMetrics train,
      BinaryMetrics heldout,
      ModelConfig modelConfig) {}

  public static Report run(TrainingOptions options, Consumer<String> log) {
    Path dir = options.outputRoot().resolve(options.name());
    Tokenizer tokenizer = new CharTokenizer();
    ModelConfig config = rewardModelConfig(options, tokenizer);
    List<LabelledSample> all;
    PolicySamples.SftSummary sft = null;
    String source;
    try (RewardModel model = RewardModel.create(config, tokenizer, options.seed())) {
      if (options.data() != null) {
        all = LabelledSample.read(options.data());
        source = options.data().toString();
      } else {
        // the reward model starts from the fine-tuned policy, as InstructGPT's starts from the
        // SFT model (Ouyang et al. 2022, §3.5): it already reads the task's arithmetic
        Generated generated = generate(options.generated(), tokenizer, config, options, model, log);
        all = generated.samples();
        sft = generated.sft();
        source = "policy samples graded by the arithmetic verifier (data/all.jsonl)";
        LabelledSample.write(dir.resolve("data/all.jsonl"), all);
      }
      return train(options, dir, model, all, sft, source, log);
    }
  }

  private static Report train(
      TrainingOptions options,
      Path dir,
      RewardModel model,
      List<LabelledSample> all,
      PolicySamples.SftSummary sft,
      String source,
      Consumer<String> log) {
    List<LabelledSample> train = new ArrayList<>();
    List<LabelledSample> heldout = new ArrayList<>();
    for (LabelledSample s : all) {
      (isHeldout(s.group(), options) ? heldout : train).add(s);
    }
    if (train.isEmpty() || heldout.isEmpty()) {
      throw new IllegalArgumentException(
          "data: the split by prompt left "
              + train.size()
              + " training and "
              + heldout.size()
              + " held-out samples; give more prompts");
    }
    double positiveRate =
        train.stream().filter(LabelledSample::positive).count() / (double) train.size();
    if (positiveRate < 0.02 || positiveRate > 0.98) {
      throw new IllegalArgumentException(
          String.format(
              "data: %.1f%% of the %d training samples are labelled correct; a reward model needs"
                  + " both labels",
              100 * positiveRate, train.size()));
    }
    log.accept(
        String.format(
            "labelled set: %d train, %d held-out samples; %.1f%% of train labelled correct",
            train.size(), heldout.size(), 100 * positiveRate));
    RewardModelTrainer trainer =
        new RewardModelTrainer(
            model, PolicySamples.warmedUp(options.learningRate(), options.maxSteps()));
    Random random = new Random(options.seed());
    long start = System.nanoTime();
    int steps = 0;
    double loss = Double.NaN;
    List<LabelledSample> order = new ArrayList<>(train);
    int cursor = order.size();
    while (steps < options.maxSteps() && seconds(start) < options.maxSeconds()) {
      if (cursor + options.batchSize() > order.size()) {
        Collections.shuffle(order, random);
        cursor = 0;
      }
      int end = Math.min(order.size(), cursor + options.batchSize());
      loss = trainer.step(order.subList(cursor, end)).loss();
      cursor = end;
      steps++;
      if (steps % 100 == 0) {
        log.accept(
            String.format(
                "step %d loss %.4f held-out %s (%.0fs)",
                steps, loss, brief(evaluate(model, heldout)), seconds(start)));
      }
    }
    double trainSeconds = seconds(start);
    BinaryMetrics trainMetrics = evaluate(model, train);
    BinaryMetrics heldoutMetrics = evaluate(model, heldout);
    log.accept("held-out " + brief(heldoutMetrics) + ", train " + brief(trainMetrics));
    Report report =
        new Report(
            options.name(),
            dir.toString(),
            source,
            train.size(),
            heldout.size(),
            positiveRate,
            sft,
            steps,
            trainSeconds,
            loss,
            model.backbone().parameterCounts().total(),
            trainMetrics,
            heldoutMetrics,
            model.backbone().config());
    model.save(dir, ModelCard.metadata(report));
    ModelCard.write(dir, report, options);
    return report;
  }

  public static BinaryMetrics evaluate(RewardModel model, List<LabelledSample> samples) {
    float[] scores = new float[samples.size()];
    int[] labels = new int[samples.size()];
    for (int from = 0; from < samples.size(); from += EVAL_BATCH) {
      List<LabelledSample> batch =
          samples.subList(from, Math.min(samples.size(), from + EVAL_BATCH));
      float[] s =
          model.score(
              batch.stream().map(LabelledSample::prompt).toList(),
              batch.stream().map(LabelledSample::completion).toList());
      System.arraycopy(s, 0, scores, from, s.length);
      for (int i = 0; i < batch.size(); i++) {
        labels[from + i] = batch.get(i).label();
      }
    }
    return BinaryMetrics.of(scores, labels);
  }

  /** The reward model's architecture: the policy's blocks at a small width. */
  static ModelConfig rewardModelConfig(TrainingOptions options, Tokenizer tokenizer) {
    return ModelConfig.builder()
        .vocabSize(tokenizer.vocabSize())
        .dim(options.dim())
        .layers(options.layers())
        .heads(Math.max(1, options.dim() / 16))
        .routedExperts(4)
        .topK(2)
        .sharedExperts(1)
        .expertHidden(options.dim())
        .denseHidden(2 * options.dim())
        .denseLayers(1)
        .maxSeqLen(CONTEXT)
        .device(options.device())
        .build();
  }

  private record Generated(List<LabelledSample> samples, PolicySamples.SftSummary sft) {}

  /** Makes the labelled set and leaves the fine-tuned policy's weights in {@code model}. */
  private static Generated generate(
      TrainingOptions.GeneratedData g,
      Tokenizer tokenizer,
      ModelConfig policyConfig,
      TrainingOptions options,
      RewardModel model,
      Consumer<String> log) {
    ArithmeticConfig task =
        new ArithmeticConfig(
            g.operands(), g.maxOperand(), List.of(Operator.PLUS, Operator.MINUS), 999, false);
    GeneratedSplits splits =
        DatasetGenerator.generate(
            new ArithmeticGenerator(task),
            g.sftPrompts(),
            g.rewardPrompts(),
            options.seed(),
            g.noise());
    try (PolicyModel policy = PolicyModel.create(policyConfig, options.seed() + 1)) {
      PolicySamples.SftSummary sft =
          PolicySamples.finetune(
              policy,
              tokenizer,
              splits,
              32,
              g.sftSteps(),
              g.sftSeconds(),
              2e-3,
              options.seed(),
              log);
      log.accept(
          String.format(
              "policy SFT: %d steps in %.0fs, loss %.3f -> %.3f",
              sft.steps(), sft.seconds(), sft.firstLoss(), sft.lastLoss()));
      List<LabelledSample> samples =
          PolicySamples.sampleAndGrade(
              policy,
              tokenizer,
              splits.heldout(),
              g.samplesPerPrompt(),
              1.0,
              CONTEXT - 32,
              128,
              options.seed() + 2);
      model.backbone().copyWeightsFrom(policy);
      return new Generated(samples, sft);
    }
  }

  /** A prompt group's side of the split depends only on its name and the seed. */
  static boolean isHeldout(String group, TrainingOptions options) {
    return new SplittableRandom(options.seed() * 31 + group.hashCode()).nextDouble()
        < options.heldoutFraction();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String brief(BinaryMetrics m) {
    return String.format("AUC %.3f acc %.3f", m.auc(), m.accuracy());
  }
}
