package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import io.tributary.reward.GroupRewardFunction;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code torchscript_reward} reward: a user's TorchScript reward model ({@link
 * TorchScriptRewardModel}) scores each group in batches of {@code batchSize}; the reward is its
 * output as is. Calls are serialised, since a DJL predictor is not thread safe.
 */
public final class TorchScriptReward implements GroupRewardFunction, AutoCloseable {
  private final TorchScriptRewardModel model;
  private final int batchSize;

  public TorchScriptReward(TorchScriptRewardModel model, int batchSize) {
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
      results.add(
          Float.isFinite(score)
              ? RewardResult.score(score)
              : RewardResult.notApplicable("the TorchScript model returned " + score));
    }
    return results;
  }

  @Override
  public void close() {
    model.close();
  }

  /**
   * {@code torchscript_reward} with params {@code path} (the descriptor JSON, required), {@code
   * batchSize} (default 32) and {@code device} (auto, cpu or gpu; default auto).
   */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "torchscript_reward";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("path", "batchSize", "device");
      java.nio.file.Path file = ModelPaths.resolve(params.stringValue("path", null), "params.path");
      int batchSize = params.intValue("batchSize", 32);
      if (batchSize < 1) {
        throw ConfigException.badValue("params.batchSize", batchSize, "at least 1");
      }
      DeviceChoice device = params.enumValue("device", DeviceChoice.class, DeviceChoice.AUTO);
      return new TorchScriptReward(TorchScriptRewardModel.load(file, device), batchSize);
    }
  }
}
