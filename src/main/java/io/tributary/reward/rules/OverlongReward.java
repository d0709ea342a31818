package io.tributary.reward.rules;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.OptionalInt;

/**
 * DAPO's soft overlong punishment (Yu et al. 2025, "DAPO", eq. 13): 0 up to {@code maxLength -
 * buffer}, then falling linearly to -1 at {@code maxLength}, and -1 beyond. Defaults are the
 * paper's: L_max = 20480 and L_cache = 4096 tokens.
 */
public final class OverlongReward implements RewardFunction {
  private final int maxLength;
  private final int buffer;
  private final LengthUnit unit;

  public OverlongReward(int maxLength, int buffer, LengthUnit unit) {
    if (maxLength < 1) {
      throw ConfigException.badValue("params.maxLength", maxLength, "at least 1");
    }
    if (buffer < 1 || buffer > maxLength) {
      throw ConfigException.badValue(
          "params.buffer", buffer, "between 1 and maxLength " + maxLength);
    }
    this.maxLength = maxLength;
    this.buffer = buffer;
    this.unit = unit;
  }

  @Override
  public RewardResult score(Rollout rollout) {
    OptionalInt length = unit.length(rollout);
    if (length.isEmpty()) {
      return RewardResult.notApplicable(unit.missingReason());
    }
    return RewardResult.score(penalty(length.getAsInt()));
  }

  double penalty(int length) {
    return penalty(length, maxLength, buffer);
  }

  /**
   * The penalty itself, the project's one copy of it: this reward function and the learner's {@code
   * grpo.overlongBuffer} both call it.
   *
   * @param length completion length
   * @param maxLength L_max, the longest completion the sampler may produce
   * @param buffer L_cache, the soft zone before L_max where the penalty ramps, {@code 0 < buffer <=
   *     maxLength}
   * @return a penalty in [-1, 0], added to the reward
   */
  public static double penalty(int length, int maxLength, int buffer) {
    if (length < 0) {
      throw new IllegalArgumentException("length: got " + length + ", expected >= 0");
    }
    if (buffer <= 0 || buffer > maxLength) {
      throw new IllegalArgumentException(
          "buffer: got " + buffer + ", expected 0 < buffer <= maxLength (" + maxLength + ")");
    }
    int softStart = maxLength - buffer;
    if (length <= softStart) {
      return 0.0;
    }
    if (length <= maxLength) {
      return (double) (softStart - length) / buffer;
    }
    return -1.0;
  }

  /** {@code overlong}: params maxLength (20480), buffer (4096), unit (tokens). */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "overlong";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("maxLength", "buffer", "unit");
      return new OverlongReward(
          params.intValue("maxLength", 20480),
          params.intValue("buffer", 4096),
          params.enumValue("unit", LengthUnit.class, LengthUnit.TOKENS));
    }
  }
}
