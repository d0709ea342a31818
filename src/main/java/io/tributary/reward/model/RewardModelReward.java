package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import io.tributary.reward.GroupRewardFunction;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code reward_model} reward: a reward model trained here ({@link RewardModel}) scores each
 * group in batches of {@code batchSize}; the reward is the model's probability that the completion
 * is correct. Calls are serialised, since one model instance is not thread safe.
 */
public final class RewardModelReward implements GroupRewardFunction, AutoCloseable {
  private final RewardModel model;
  private final int batchSize;

  public RewardModelReward(RewardModel model, int batchSize) {
    if (batchSize < 1) {
      throw ConfigException.badValue("batchSize", batchSize, "at least 1");
    }
    this.model = model;
    this.batchSize = batchSize;
  }

  @Override
  public synchronized List<RewardResult> scoreGroup(List<Rollout> group) {
    List<RewardResult> results = new ArrayList<>(group.size());
    for (float score : GroupBatches.score(group, batchSize, model::score)) {
      results.add(RewardResult.score(score));
    }
    return results;
  }

  @Override
  public void close() {
    model.close();
  }

  /**
   * {@code reward_model} with params {@code path} (the model folder, required), {@code batchSize}
   * (default 32) and {@code device} (auto, cpu or gpu; default auto, like the policy).
   */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "reward_model";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("path", "batchSize", "device");
      Path dir = ModelPaths.resolve(params.stringValue("path", null), "params.path");
      int batchSize = params.intValue("batchSize", 32);
      DeviceChoice device = params.enumValue("device", DeviceChoice.class, DeviceChoice.AUTO);
      if (batchSize < 1) {
        throw ConfigException.badValue("params.batchSize", batchSize, "at least 1");
      }
      return new RewardModelReward(RewardModel.load(dir, device), batchSize);
    }
  }
}
