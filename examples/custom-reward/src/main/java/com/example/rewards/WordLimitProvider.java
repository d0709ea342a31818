package com.example.rewards;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;

/**
 * {@code word_limit}: 1 when the completion has at most {@code maxWords} words, else 0. A reward
 * for concise answers, to weigh beside {@code accuracy}.
 */
public final class WordLimitProvider implements RewardProvider {
  @Override
  public String name() {
    return "word_limit";
  }

  @Override
  public RewardFunction create(RewardParams params) {
    params.allowOnly("maxWords"); // a misspelt param is an error, not a silent default
    int maxWords = params.intValue("maxWords", 50);
    if (maxWords < 1) {
      throw ConfigException.badValue("params.maxWords", maxWords, "an integer >= 1");
    }
    return rollout -> RewardResult.score(WordCount.of(rollout.completion()) <= maxWords ? 1 : 0);
  }
}
