package io.tributary.reward.rules;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Penalises repeated word n-grams: {@code maxPenalty * (1 - distinct / total)} over the
 * completion's lower-cased, whitespace-split n-grams; 0 for text shorter than one n-gram. This is
 * open-r1's {@code get_repetition_penalty_reward} (after "Demystifying Long Chain-of-Thought
 * Reasoning in LLMs", Yeo et al. 2025, appendix), with its defaults n = 3, maxPenalty = -1.
 */
public final class RepetitionReward implements RewardFunction {
  private final int ngramSize;
  private final double maxPenalty;

  public RepetitionReward(int ngramSize, double maxPenalty) {
    if (ngramSize < 1) {
      throw ConfigException.badValue("params.ngramSize", ngramSize, "at least 1");
    }
    if (maxPenalty > 0) {
      throw ConfigException.badValue("params.maxPenalty", maxPenalty, "a value <= 0 (a penalty)");
    }
    this.ngramSize = ngramSize;
    this.maxPenalty = maxPenalty;
  }

  @Override
  public RewardResult score(Rollout rollout) {
    String[] words = rollout.completion().toLowerCase(Locale.ROOT).trim().split("\\s+");
    if (rollout.completion().isBlank() || words.length < ngramSize) {
      return RewardResult.score(0.0);
    }
    Set<List<String>> distinct = new HashSet<>();
    int total = 0;
    for (int i = 0; i + ngramSize <= words.length; i++) {
      List<String> ngram = new ArrayList<>(ngramSize);
      for (int j = 0; j < ngramSize; j++) {
        ngram.add(words[i + j]);
      }
      distinct.add(ngram);
      total++;
    }
    double repeated = 1.0 - (double) distinct.size() / total;
    return RewardResult.score(repeated * maxPenalty + 0.0); // + 0.0 turns -0.0 into 0.0
  }

  /** {@code repetition}: params ngramSize (3), maxPenalty (-1.0). */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "repetition";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("ngramSize", "maxPenalty");
      return new RepetitionReward(
          params.intValue("ngramSize", 3), params.doubleValue("maxPenalty", -1.0));
    }
  }
}
