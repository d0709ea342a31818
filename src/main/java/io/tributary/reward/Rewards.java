package io.tributary.reward;

import io.tributary.reward.math.ExtractionMode;
import io.tributary.reward.math.MathEquivalence.Tolerance;
import io.tributary.reward.rules.AccuracyReward;
import io.tributary.reward.rules.CosineReward;
import io.tributary.reward.rules.FormatReward;
import io.tributary.reward.rules.KimiLengthReward;
import io.tributary.reward.rules.LengthUnit;
import io.tributary.reward.rules.OverlongReward;
import io.tributary.reward.rules.RepetitionReward;
import io.tributary.reward.rules.TagCountReward;
import java.util.List;

/**
 * The built-in rule rewards, with the defaults their papers or open-r1 use. Configs reach the same
 * rewards by name ({@code accuracy}, {@code format}, {@code tag_count}, {@code length}, {@code
 * cosine}, {@code repetition}, {@code overlong}) through {@link RewardRegistry}.
 */
public final class Rewards {
  private Rewards() {}

  public static AccuracyReward accuracy() {
    return new AccuracyReward();
  }

  public static AccuracyReward accuracy(ExtractionMode... extraction) {
    return new AccuracyReward("answer", List.of(extraction), Tolerance.DEFAULT);
  }

  public static RewardFunction format() {
    return new FormatReward();
  }

  public static RewardFunction tagCount() {
    return new TagCountReward();
  }

  /** Kimi k1.5's group length reward, lengths in tokens. */
  public static GroupRewardFunction length() {
    return length(LengthUnit.TOKENS);
  }

  public static GroupRewardFunction length(LengthUnit unit) {
    return new KimiLengthReward(accuracy(), unit);
  }

  /** The cosine length-scaled reward with open-r1's values and maxLength 1000 tokens. */
  public static RewardFunction cosine() {
    return cosine(1000, LengthUnit.TOKENS);
  }

  public static RewardFunction cosine(int maxLength, LengthUnit unit) {
    return new CosineReward(accuracy(), CosineReward.Values.DEFAULT, maxLength, unit);
  }

  /** open-r1's n-gram repetition penalty with n = 3 and maxPenalty = -1. */
  public static RewardFunction repetition() {
    return repetition(3, -1.0);
  }

  public static RewardFunction repetition(int ngramSize, double maxPenalty) {
    return new RepetitionReward(ngramSize, maxPenalty);
  }

  /** DAPO's soft overlong penalty with the paper's 20480 / 4096 tokens. */
  public static RewardFunction overlong() {
    return overlong(20480, 4096);
  }

  public static RewardFunction overlong(int maxLength, int buffer) {
    return new OverlongReward(maxLength, buffer, LengthUnit.TOKENS);
  }
}
