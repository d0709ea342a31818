package io.tributary.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.tributary.model.GradMode;
import io.tributary.model.LoraAdapters;
import io.tributary.model.PolicyModel;
import io.tributary.model.ReplayedRoutes;
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

  /**
   * One batch of groups -> μ × miniBatches optimizer steps, without the groups' staleness: the
   * mismatch metrics, which are reported per staleness, are not computed.
   */
  public UpdateStats update(List<RolloutGroup> groups) {
    return update(groups, -1);
  }

  /**
   * One batch of groups -> μ × miniBatches optimizer steps; {@code learnerVersion} is the version
   * of the weights the learner holds, so that a group sampled by version v is {@code learnerVersion
   * - v} versions stale (-1: unknown).
   */
  public UpdateStats update(List<RolloutGroup> groups, long learnerVersion) {
    GroupAdvantages advantages = advantages(groups);
    List<TrainingRows.Row> rows = new ArrayList<>();
    int g = config.groupSize();
    long truncated = 0;
    for (int i = 0; i < groups.size(); i++) {
      RolloutGroup group = groups.get(i);
      // a group that claims a version past the learner's has no meaningful staleness: it is left
      // out of the mismatch metrics rather than stopping the training over a diagnostic
      long versionsBehind = learnerVersion - group.policyVersion();
      long staleness = learnerVersion < 0 || versionsBehind < 0 ? -1 : versionsBehind;
      for (int j = 0; j < g; j++) {
        var c = group.completions().get(j);
        boolean isTruncated = c.finishReason() == io.tributary.model.FinishReason.LENGTH;
        // a dense policy routes nothing, so there is nothing to replay
        if (config.routingReplay() == RoutingReplay.REPLAY
            && policy.config().moeLayers() > 0
            && c.routing() == null) {
          throw new IllegalArgumentException(
              "routingReplay: replay, but member "
                  + j
                  + " of group "
                  + group.promptId()
                  + " carries no routing trace; the sampler must record routing");
        }
        truncated += isTruncated ? 1 : 0;
        rows.add(
            new TrainingRows.Row(
                group.promptTokens(),
                c.tokens(),
                c.logProbs(),
                null,
                null,
                advantages.advantages()[i * g + j],
                !(isTruncated && config.maskTruncated()),
                staleness,
                c.promptRouting(),
                c.routing()));
      }
    }
    if (reference != null) {
      rows = withReferenceLogProbs(rows);
    }
    UpdateStats.Builder stats = new UpdateStats.Builder();
    if (config.lossConfig().rolloutCorrection().needsProximal()) {
      rows = withProximalLogProbs(rows);
      // the proximal forward is the learner's pre-update view of every row
      for (TrainingRows.Row row : rows) {
        addMismatch(stats.mismatch, row, row.logpProximal());
      }
    }
    stats.fracTruncated = rows.isEmpty() ? 0 : (double) truncated / rows.size();
    stats.fracZeroStd = advantages.fracRewardZeroStd();
    for (int iteration = 0; iteration < config.numIterations(); iteration++) {
      List<TrainingRows.Row> order = new ArrayList<>(rows);
      Collections.shuffle(order, shuffle);
      int parts = Math.min(config.miniBatches(), order.size());
      for (int part = 0; part < parts; part++) {
        List<TrainingRows.Row> mini =
            order.subList(part * order.size() / parts, (part + 1) * order.size() / parts);
        // without a proximal forward, only the first step's rows are seen by the pre-update weights
        boolean preUpdate = iteration == 0 && part == 0 && rows.get(0).logpProximal() == null;
        miniBatchStep(mini, preUpdate, stats);
      }
    }
    return stats.build();
  }

  private void miniBatchStep(
      List<TrainingRows.Row> mini, boolean preUpdate, UpdateStats.Builder stats) {
    TrainingRows rows = TrainingRows.of(mini, pad);
    if (rows.activeTokens() == 0) {
      // every completion of this mini-batch was cut at the length limit and masked
      // (maskTruncated): there is no token to learn from, and the optimizer must not move the
      // weights by weight decay and momentum alone; a long-thinking model does this early on
      skippedUpdates++;
      LOG.warn(
          "GRPO mini-batch skipped, weights unchanged ({} so far): all {} completions truncated"
              + " and masked",
          skippedUpdates,
          mini.size());
      return;
    }
    double lossValue;
    GrpoLossStatistics lossStats;
    double entropy;
    try (NDManager step = policy.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      RoutingContext routing = RoutingContext.training(rows.validInputs());
      routing.replaying(replayedRoutes(mini, rows));
      boolean traced = CompletionRouting.anyTraced(mini);
      if (traced) {
        routing.recordingRoutes(policy.config().moeLayers());
      }
      NDArray mask = rows.perToken(step, rows.mask());
      TokenLogProbs.WithEntropy scored = completionLogProbs(policy, step, rows, routing, mask);
      NDArray logp = scored.logProbs(); // (B, Tc)
      entropy = scored.meanEntropy().orElseThrow();
      if (traced) {
        List<io.tributary.model.RoutingTrace> learned =
            CompletionRouting.recorded(
                policy.config(), routing, rows, CompletionRouting.completionLengths(mini));
        List<io.tributary.model.RoutingTrace> sampled = CompletionRouting.traces(mini);
        long[] mismatch = CompletionRouting.mismatch(sampled, learned);
        stats.addRouting(mismatch[0], mismatch[1]);
        if (preUpdate) {
          addRoutingMismatch(stats.mismatch, mini, sampled, learned);
        }
      }
      if (preUpdate) {
        float[] learner = logp.stopGradient().toFloatArray();
        for (int i = 0; i < mini.size(); i++) {
          TrainingRows.Row row = mini.get(i);
          float[] mine = new float[row.completion().length];
          System.arraycopy(learner, i * rows.completionWidth(), mine, 0, mine.length);
          addMismatch(stats.mismatch, row, mine);
        }
      }
      LossInputs inputs =
          LossInputs.of(
                  logp,
                  rows.perToken(step, rows.logpOld()),
                  rows.logpRef() == null ? null : rows.perToken(step, rows.logpRef()),
                  rows.advantagesArray(step),
                  mask)
              .withProximal(
                  rows.logpProximal() == null ? null : rows.perToken(step, rows.logpProximal()));
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
   * Log-probs (B, Tc) of the completion tokens under the vocabulary mask of sampling, and with
   * {@code entropyMask} their mean entropy. The logits come from the hidden states of the
   * completion positions a chunk at a time (see {@link TokenLogProbs#fromHidden}): the full (B,
   * P+Tc−1, V) logits of the prompt and the completion never exist.
   */
  private TokenLogProbs.WithEntropy completionLogProbs(
      PolicyModel model,
      NDManager step,
      TrainingRows rows,
      RoutingContext routing,
      NDArray entropyMask) {
    NDArray hidden =
        model.hiddenLeftPadded(step, rows.tokens(), rows.padding(), routing); // (B, P+Tc-1, C)
    int from = rows.promptWidth() - 1;
    NDArray completion =
        hidden.get(new NDIndex(":, {}:{}, :", from, from + rows.completionWidth())); // (B, Tc, C)
    return TokenLogProbs.fromHidden(
        completion,
        model.block()::head,
        model.config().vocabSize(),
        rows.targets(),
        step.create(logitMask), // (V) broadcast: blocked tokens get no mass
        config.temperature(),
        entropyMask);
  }

  /** Per completion of a batch: the learner's log-probs and, for an MoE policy, its routing. */
  record LearnerView(List<float[]> logProbs, List<io.tributary.model.RoutingTrace> routing) {}

  /**
   * The learner's forward over {@code groups}' completions as the update computes it (routing
   * replay included), without gradient or load counting: what the mismatch between sampler and
   * learner is measured on.
   */
  LearnerView learnerView(List<RolloutGroup> groups) {
    List<int[]> prompts = new ArrayList<>();
    List<io.tributary.model.Completion> completions = new ArrayList<>();
    for (RolloutGroup group : groups) {
      for (var c : group.completions()) {
        prompts.add(group.promptTokens());
        completions.add(c);
      }
    }
    return learnerView(prompts, completions);
  }

  /** {@link #learnerView(List)} of completion i of prompt i. */
  LearnerView learnerView(List<int[]> prompts, List<io.tributary.model.Completion> completions) {
    List<TrainingRows.Row> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      var c = completions.get(i);
      rows.add(
          new TrainingRows.Row(
              prompts.get(i),
              c.tokens(),
              c.logProbs(),
              null,
              null,
              0,
              true,
              -1,
              c.promptRouting(),
              c.routing()));
    }
    TrainingRows batch = TrainingRows.of(rows, pad);
    int moeLayers = policy.config().moeLayers();
    try (GradMode ignored = GradMode.disabled();
        NDManager step = policy.manager().newSubManager()) {
      RoutingContext routing = RoutingContext.inference().replaying(replayedRoutes(rows, batch));
      if (moeLayers > 0) {
        routing.recordingRoutes(moeLayers);
      }
      float[] flat =
          completionLogProbs(policy, step, batch, routing, null).logProbs().toFloatArray();
      List<float[]> logProbs = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        int from = i * batch.completionWidth();
        logProbs.add(
            java.util.Arrays.copyOfRange(flat, from, from + rows.get(i).completion().length));
      }
      return new LearnerView(
          logProbs,
          moeLayers == 0
              ? null
              : CompletionRouting.recorded(
                  policy.config(), routing, batch, CompletionRouting.completionLengths(rows)));
    }
  }

  /** The sampler's experts for the completion positions under routing replay; null when off. */
  private ReplayedRoutes replayedRoutes(List<TrainingRows.Row> rows, TrainingRows batch) {
    return config.routingReplay() == RoutingReplay.REPLAY
        ? CompletionRouting.replayed(policy.config(), batch, rows)
        : null;
  }

  private List<TrainingRows.Row> withReferenceLogProbs(List<TrainingRows.Row> rows) {
    try (GradMode ignored = GradMode.disabled();
        LoraAdapters.Off base = reference.adaptersDisabled()) {
      List<TrainingRows.Row> out = new ArrayList<>(rows.size());
      List<float[]> ref = noGradLogProbs(reference, rows);
      for (int i = 0; i < rows.size(); i++) {
        out.add(rows.get(i).withLogpRef(ref.get(i)));
      }
      return out;
    }
  }

  /**
   * The proximal policy's log-probs: the weights the learner holds before this update, adapters on,
   * one no-grad forward (AReaL's decoupled objective recomputes them the same way).
   */
  private List<TrainingRows.Row> withProximalLogProbs(List<TrainingRows.Row> rows) {
    try (GradMode ignored = GradMode.disabled()) {
      List<TrainingRows.Row> out = new ArrayList<>(rows.size());
      List<float[]> proximal = noGradLogProbs(policy, rows);
      for (int i = 0; i < rows.size(); i++) {
        out.add(rows.get(i).withLogpProximal(proximal.get(i)));
      }
      return out;
    }
  }

  /**
   * Log-probs of each row's completion tokens under {@code model}, in chunks; call without grad.
   */
  private List<float[]> noGradLogProbs(PolicyModel model, List<TrainingRows.Row> rows) {
    List<float[]> out = new ArrayList<>(rows.size());
    int chunk = 64;
    for (int start = 0; start < rows.size(); start += chunk) {
      List<TrainingRows.Row> part = rows.subList(start, Math.min(rows.size(), start + chunk));
      TrainingRows batch = TrainingRows.of(part, pad);
      try (NDManager step = model.manager().newSubManager()) {
        RoutingContext routing = RoutingContext.inference().replaying(replayedRoutes(part, batch));
        float[] all =
            completionLogProbs(model, step, batch, routing, null).logProbs().toFloatArray();
        for (int i = 0; i < part.size(); i++) {
          float[] mine = new float[part.get(i).completion().length];
          System.arraycopy(all, i * batch.completionWidth(), mine, 0, mine.length);
          out.add(mine);
        }
      }
    }
    return out;
  }

  /** The routing decisions of the rows of known staleness into their staleness buckets. */
  private static void addRoutingMismatch(
      PolicyMismatch mismatch,
      List<TrainingRows.Row> rows,
      List<io.tributary.model.RoutingTrace> sampled,
      List<io.tributary.model.RoutingTrace> learned) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).staleness() >= 0 && sampled.get(i) != null && learned.get(i) != null) {
        long[] counts =
            CompletionRouting.mismatch(List.of(sampled.get(i)), List.of(learned.get(i)));
        mismatch.addRoutingCounts(rows.get(i).staleness(), counts[0], counts[1]);
      }
    }
  }

  /** A row of known staleness into the mismatch metrics (its log-probs). */
  private static void addMismatch(PolicyMismatch mismatch, TrainingRows.Row row, float[] learner) {
    if (row.staleness() >= 0) {
      mismatch.add(row.staleness(), row.logpOld(), learner);
    }
  }
}
