package io.tributary.stream;

import io.tributary.config.Yaml;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.util.Collector;

/**
 * Flink adapter of {@link RolloutScoring}. The rewards config travels as YAML text (the config
 * records are not Serializable) and is bound again in {@code open()}.
 */
final class ScoreFunction extends RichFlatMapFunction<SampledGroup, ScoredMember> {
  /** Weight of the newest group in the mean-reward gauge (an exponential moving average). */
  private static final double MEAN_DECAY = 0.05;

  private final String rewardsYaml;
  private transient RolloutScoring scoring;
  private transient Counter scorerErrors;
  private transient volatile double meanReward;
  private transient boolean first;

  ScoreFunction(RewardsConfig rewards) {
    this.rewardsYaml = Yaml.write(rewards);
  }

  @Override
  public void open(OpenContext context) {
    RewardsConfig config = Yaml.read(rewardsYaml, RewardsConfig.class, "rewards");
    scoring = new RolloutScoring(RewardScorer.fromConfig(config));
    var metrics = getRuntimeContext().getMetricGroup();
    scorerErrors = metrics.counter("scorerErrors");
    metrics.gauge("meanReward", (Gauge<Double>) () -> meanReward);
    meanReward = Double.NaN;
    first = true;
  }

  @Override
  public void flatMap(SampledGroup group, Collector<ScoredMember> out) {
    double sum = 0;
    for (ScoredMember member : scoring.score(group, System.currentTimeMillis())) {
      scorerErrors.inc(member.rollout().rewardErrors().size());
      sum += member.rollout().totalReward();
      out.collect(member);
    }
    double groupMean = sum / group.samples().size();
    if (Double.isFinite(groupMean)) {
      meanReward = first ? groupMean : (1 - MEAN_DECAY) * meanReward + MEAN_DECAY * groupMean;
      first = false;
    }
  }

  @Override
  public void close() {
    if (scoring != null) {
      scoring.close();
    }
  }
}
