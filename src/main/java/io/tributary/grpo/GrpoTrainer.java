package io.tributary.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.tributary.model.GradMode;
import io.tributary.model.LoraAdapters;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.SamplingParams;
import io.tributary.train.AdamW;
import io.tributary.train.StepOutcome;
import io.tributary.train.TokenLogProbs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The GRPO update (DeepSeekMath §4.1, with DAPO's and Dr. GRPO's options): group-relative
 * advantages, the clipped surrogate on per-token ratios against the behaviour log-probs recorded at
 * sampling, an optional k3 KL penalty to a frozen reference, μ passes in mini-batches, AdamW.
 * Sampling and scoring happen elsewhere ({@link GroupSampler}, or the streaming pipeline); this
 * class turns scored groups into optimizer steps.
 */
public final class GrpoTrainer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GrpoTrainer.class);
  private final PolicyModel policy;
  private final PolicyModel reference;
  private final GrpoConfig config;
  private final AdamW optimizer;
  private final int pad;
  private final float[] logitMask;
  private final Random shuffle;
  private long skippedUpdates;

  /**
   * {@code reference} may be null when β = 0, or when the policy has LoRA adapters (or {@code
   * config.lora()} gives it some, attached here): the base with adapters off is then the reference;
   * {@code sampling} is what the rollouts were drawn with: its temperature and vocabulary mask make
   * the learner's log-probs those of the sampler.
   */
  public GrpoTrainer(
      PolicyModel policy,
      PolicyModel reference,
      GrpoConfig config,
      SamplingParams sampling,
      int pad) {
    if (config.lora() != null && policy.adapters() == null) {
      policy.attachAdapters(config.lora()); // from here on only the adapters learn
    }
    if (config.beta() > 0 && reference == null && policy.adapters() == null) {
      throw new IllegalArgumentException(
          "beta: got " + config.beta() + " > 0, which needs a reference model");
    }
    this.policy = policy;
    // a LoRA policy is its own reference: the same weights with the adapters switched off
    this.reference = config.beta() > 0 ? (reference != null ? reference : policy) : null;
    this.config = config;
    this.optimizer = new AdamW(policy, config.optimizer());
    this.pad = pad;
    this.logitMask = sampling.logitMask(policy.config().vocabSize());
    this.shuffle = new Random(config.seed());
  }

  public GrpoConfig config() {
    return config;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  public long skippedUpdates() {
    return skippedUpdates;
  }

  /** Advantages of the groups' totals (plus DAPO's overlong penalty when on), flattened. */
  public GroupAdvantages advantages(List<RolloutGroup> groups) {
    int g = config.groupSize();
    double[] rewards = new double[groups.size() * g];
    for (int i = 0; i < groups.size(); i++) {
      RolloutGroup group = groups.get(i);
      if (group.size() != g) {
        throw new IllegalArgumentException(
            "group " + group.promptId() + " has " + group.size() + " members, expected " + g);
      }
      if (!group.isScored()) {
        // a failed reward is unknown, not 0: training on it could punish a correct answer
        throw new IllegalArgumentException(
            "group "
                + group.promptId()
                + " is not scored and cannot be trained: "
                + group.scoringFailure());
      }
      for (int j = 0; j < g; j++) {
        rewards[i * g + j] =
            Advantages.penalisedReward(
                group.scores().get(j).requireTotal(),
                group.completions().get(j).length(),
                config.maxNewTokens(),
                config.overlongBuffer());
      }
    }
    GroupAdvantages raw = Advantages.compute(rewards, g, config.advantageScaling());
    double[] weighted = raw.advantages().clone();
    for (int i = 0; i < groups.size(); i++) {
      for (int j = 0; j < g; j++) {
        weighted[i * g + j] *= groups.get(i).weight(); // a down-weighted stale group counts less
      }
    }
    return new GroupAdvantages(weighted, raw.zeroStdGroups(), raw.groupSize());
  }

  /** One batch of groups -> μ × miniBatches optimizer steps. */
  public UpdateStats update(List<RolloutGroup> groups) {
    GroupAdvantages advantages = advantages(groups);
    List<TrainingRows.Row> rows = new ArrayList<>();
    int g = config.groupSize();
    long truncated = 0;
    for (int i = 0; i < groups.size(); i++) {
      RolloutGroup group = groups.get(i);
      for (int j = 0; j < g; j++) {
        var c = group.completions().get(j);
        boolean isTruncated = c.finishReason() == io.tributary.model.FinishReason.LENGTH;
        truncated += isTruncated ? 1 : 0;
        rows.add(
            new TrainingRows.Row(
                group.promptTokens(),
                c.tokens(),
                c.logProbs(),
                null,
                advantages.advantages()[i * g + j],
                !(isTruncated && config.maskTruncated())));
      }
    }
    if (reference != null) {
      rows = withReferenceLogProbs(rows);
    }
    UpdateStats.Builder stats = new UpdateStats.Builder();
    stats.fracTruncated = rows.isEmpty() ? 0 : (double) truncated / rows.size();
    stats.fracZeroStd = advantages.fracRewardZeroStd();
    for (int iteration = 0; iteration < config.numIterations(); iteration++) {
      List<TrainingRows.Row> order = new ArrayList<>(rows);
      Collections.shuffle(order, shuffle);
      int parts = Math.min(config.miniBatches(), order.size());
      for (int part = 0; part < parts; part++) {
        List<TrainingRows.Row> mini =
            order.subList(part * order.size() / parts, (part + 1) * order.size() / parts);
        miniBatchStep(TrainingRows.of(mini, pad), stats);
      }
    }
    return stats.build();
  }

  private void miniBatchStep(TrainingRows rows, UpdateStats.Builder stats) {
    double lossValue;
    GrpoLossStatistics lossStats;
    double entropy;
    try (NDManager step = policy.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      RoutingContext routing = RoutingContext.training(rows.validInputs());
      NDArray logits = completionLogits(policy, step, rows, routing); // (B, Tc, V)
      NDArray logp = TokenLogProbs.of(logits, rows.targets(), config.temperature()); // (B, Tc)
      NDArray mask = rows.perToken(step, rows.mask());
      entropy = TokenLogProbs.meanEntropy(logits, mask, config.temperature());
      LossInputs inputs =
          LossInputs.of(
              logp,
              rows.perToken(step, rows.logpOld()),
              rows.logpRef() == null ? null : rows.perToken(step, rows.logpRef()),
              rows.advantagesArray(step),
              mask);
      GrpoLossResult result = GrpoLoss.compute(inputs, config.lossConfig());
      NDArray loss =
          routing.balanceLoss() == null ? result.loss() : result.loss().add(routing.balanceLoss());
      lossValue = loss.getFloat();
      lossStats = result.statistics();
      if (Double.isFinite(lossValue)) {
        collector.backward(loss);
      }
    }
    double[] expertShare = policy.expertLoad().shareRange(); // counters restart at the step
    StepOutcome outcome = optimizer.apply(lossValue);
    if (!outcome.applied()) {
      skippedUpdates++;
      LOG.warn(
          "GRPO update skipped, weights unchanged ({} so far): {} (loss {}, {} active tokens,"
              + " max |log ratio| {}, mean ratio {})",
          skippedUpdates,
          outcome.skipReason(),
          lossValue,
          lossStats.activeTokens(),
          lossStats.maxAbsLogRatio(),
          lossStats.meanRatio());
    }
    stats.add(lossValue, lossStats, entropy, outcome, rows.activeTokens(), expertShare);
  }

  /**
   * Logits at the positions that predict the completion tokens, masked as when sampling, (B, Tc,
   * V).
   */
  private NDArray completionLogits(
      PolicyModel model, NDManager step, TrainingRows rows, RoutingContext routing) {
    NDArray logits =
        model.logitsLeftPadded(step, rows.tokens(), rows.padding(), routing); // (B, P+Tc-1, V)
    int from = rows.promptWidth() - 1;
    NDArray completion =
        logits.get(new NDIndex(":, {}:{}, :", from, from + rows.completionWidth()));
    return completion.add(step.create(logitMask)); // (V) broadcast: blocked tokens get no mass
  }

  private List<TrainingRows.Row> withReferenceLogProbs(List<TrainingRows.Row> rows) {
    List<TrainingRows.Row> out = new ArrayList<>(rows.size());
    int chunk = 64;
    try (GradMode ignored = GradMode.disabled();
        LoraAdapters.Off base = reference.adaptersDisabled()) {
      for (int start = 0; start < rows.size(); start += chunk) {
        List<TrainingRows.Row> part = rows.subList(start, Math.min(rows.size(), start + chunk));
        TrainingRows batch = TrainingRows.of(part, pad);
        try (NDManager step = reference.manager().newSubManager()) {
          NDArray logits = completionLogits(reference, step, batch, RoutingContext.inference());
          float[] ref =
              TokenLogProbs.of(logits, batch.targets(), config.temperature()).toFloatArray();
          for (int i = 0; i < part.size(); i++) {
            TrainingRows.Row r = part.get(i);
            float[] mine = new float[r.completion().length];
            System.arraycopy(ref, i * batch.completionWidth(), mine, 0, mine.length);
            out.add(
                new TrainingRows.Row(
                    r.prompt(), r.completion(), r.logpOld(), mine, r.advantage(), r.trained()));
          }
        }
      }
    }
    return out;
  }
}
