package io.tributary.rollout;

import io.tributary.config.Yaml;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Flink adapter of {@link RolloutScoring}: a scored group goes on to the sink, a group a reward
 * function failed on goes to the dead letters. Metrics: {@code groupsUnscored}, {@code
 * scorerErrors} (failed calls, every attempt), {@code rewardRescores} (calls made again under
 * {@code onError: rescore}) and the {@code meanReward} gauge. The rewards config travels as YAML
 * text (the config records are not Serializable) and is bound again in {@code open()}.
 */
final class ScoreFunction extends ProcessFunction<SampledGroup, ScoredGroup> {
  /** Weight of the newest group in the mean-reward gauge (an exponential moving average). */
  private static final double MEAN_DECAY = 0.05;

  private final String rewardsYaml;
  private final SamplingConfig sampling;
  private final OutputTag<DeadLetter> deadLetters;
  private transient RolloutScoring scoring;
  private transient Counter scorerErrors;
  private transient Counter groupsUnscored;
  private transient Counter rescores;
  private transient volatile double meanReward;
  private transient boolean first;

  ScoreFunction(RewardsConfig rewards, SamplingConfig sampling, OutputTag<DeadLetter> deadLetters) {
    this.rewardsYaml = Yaml.write(rewards);
    this.sampling = sampling;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext context) {
    RewardsConfig config = Yaml.read(rewardsYaml, RewardsConfig.class, "rewards");
    scoring = new RolloutScoring(RewardScorer.fromConfig(config));
    var metrics = getRuntimeContext().getMetricGroup();
    scorerErrors = metrics.counter("scorerErrors");
    groupsUnscored = metrics.counter("groupsUnscored");
    rescores = metrics.counter("rewardRescores");
    // NaN until a group was scored: a mean over no group was not computed
    metrics.gauge("meanReward", (Gauge<Double>) () -> meanReward);
    meanReward = Double.NaN;
    first = true;
  }

  @Override
  public void processElement(SampledGroup group, Context ctx, Collector<ScoredGroup> out) {
    long errorsBefore = errorCount();
    long rescoresBefore = rescoreCount();
    ScoringOutcome outcome = scoring.score(group, sampling, System.currentTimeMillis());
    scorerErrors.inc(errorCount() - errorsBefore);
    rescores.inc(rescoreCount() - rescoresBefore);
    if (outcome instanceof ScoringOutcome.Unscored unscored) {
      groupsUnscored.inc();
      ctx.output(deadLetters, unscored.letter());
      return;
    }
    ScoredGroup scored = ((ScoringOutcome.Scored) outcome).group();
    out.collect(scored);
    double groupMean = java.util.Arrays.stream(scored.totals()).average().orElse(Double.NaN);
    if (Double.isFinite(groupMean)) {
      meanReward = first ? groupMean : (1 - MEAN_DECAY) * meanReward + MEAN_DECAY * groupMean;
      first = false;
    }
  }

  /** Failed calls so far, every attempt counted, over all functions of this subtask's scorer. */
  private long errorCount() {
    long n = 0;
    for (var counts : scoring.scorer().metrics().snapshot().values()) {
      n += counts.errors() + counts.timeouts();
    }
    return n;
  }

  private long rescoreCount() {
    long n = 0;
    for (String name : scoring.scorer().names()) {
      n += scoring.scorer().metrics().rescores(name);
    }
    return n;
  }

  @Override
  public void close() {
    if (scoring != null) {
      scoring.close();
    }
  }
}
