package io.tributary.stream;

import io.tributary.config.ConfigException;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.SamplingParams;
import io.tributary.tokenizer.Tokenizer;
import java.io.Serializable;

/**
 * The {@code sampling:} section: how each completion is drawn (see {@link SamplingParams}).
 * Serializable because the generation function carries it to its subtasks.
 *
 * @param temperature 0 is greedy; GRPO wants diversity within a group, so 1.0 is the default
 * @param topP nucleus filter, 1 for none
 * @param maxNewTokens completion budget; the policy's context may cut it shorter
 * @param threads libtorch intra-op threads of each generation worker: sampling runs many small ops,
 *     where one thread per worker is fastest (see {@link IntraOpThreads}); scale out with
 *     parallelism instead
 */
public record SamplingConfig(Double temperature, Double topP, Integer maxNewTokens, Integer threads)
    implements Serializable {
  public SamplingConfig {
    temperature = temperature == null ? 1.0 : temperature;
    topP = topP == null ? 1.0 : topP;
    maxNewTokens = maxNewTokens == null ? 64 : maxNewTokens;
    threads = threads == null ? 1 : threads;
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ConfigException.badValue("sampling.temperature", temperature, "a finite number >= 0");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw ConfigException.badValue("sampling.topP", topP, "a number in (0, 1]");
    }
    if (maxNewTokens < 1) {
      throw ConfigException.badValue("sampling.maxNewTokens", maxNewTokens, "a number >= 1");
    }
    if (threads < 1) {
      throw ConfigException.badValue("sampling.threads", threads, "a number >= 1");
    }
  }

  public static SamplingConfig defaults() {
    return new SamplingConfig(null, null, null, null);
  }

  /** The same sampling with {@code n} intra-op threads per worker. */
  public SamplingConfig withThreads(int n) {
    return new SamplingConfig(temperature, topP, maxNewTokens, n);
  }

  public SamplingParams params(Tokenizer tokenizer) {
    return SamplingParams.of(tokenizer, temperature, maxNewTokens).withTopP(topP);
  }
}
