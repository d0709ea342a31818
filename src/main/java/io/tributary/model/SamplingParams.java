package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

import java.util.Arrays;

/**
 * How completions are drawn. {@code temperature} 0 is greedy. {@code topK} 0 and {@code topP} 1
 * switch those filters off. Generation stops at a stop token (kept as the completion's last token,
 * so the learner trains the decision to stop) or after {@code maxNewTokens}. Tokens at or above
 * {@code vocabLimit} (the tokenizer's size, when the model's vocabulary is larger) and the {@code
 * blockedTokens} (PAD, BOS; never a stop token) are never drawn.
 */
public record SamplingParams(
    double temperature,
    double topP,
    int topK,
    int maxNewTokens,
    int[] stopTokens,
    int vocabLimit,
    int[] blockedTokens,
    boolean useKvCache) {

  public SamplingParams {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw badValue("temperature", temperature, "a finite number >= 0");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw badValue("topP", topP, "a number in (0, 1]");
    }
    if (topK < 0) {
      throw badValue("topK", topK, "0 (off) or a positive integer");
    }
    if (maxNewTokens <= 0) {
      throw badValue("maxNewTokens", maxNewTokens, "a positive integer");
    }
    if (vocabLimit < 0) {
      throw badValue("vocabLimit", vocabLimit, "0 (the model's vocabulary) or a positive integer");
    }
    stopTokens = stopTokens == null ? new int[0] : stopTokens.clone();
    int[] stops = stopTokens;
    // a stop token is never blocked: a model without a BOS (Qwen) has its EOS stand in for one,
    // and blocking that "BOS" would leave the model no way to end a completion
    blockedTokens =
        blockedTokens == null
            ? new int[0]
            : Arrays.stream(blockedTokens)
                .filter(b -> Arrays.stream(stops).noneMatch(s -> s == b))
                .toArray();
  }

  /** Sampling at {@code temperature} for a tokenizer: stop at EOS, never draw PAD or BOS. */
  public static SamplingParams of(
      io.tributary.tokenizer.Tokenizer tokenizer, double temperature, int maxNewTokens) {
    return new SamplingParams(
        temperature,
        1.0,
        0,
        maxNewTokens,
        new int[] {tokenizer.eos()},
        tokenizer.vocabSize(),
        new int[] {tokenizer.pad(), tokenizer.bos()},
        true);
  }

  public SamplingParams withTemperature(double t) {
    return new SamplingParams(
        t, topP, topK, maxNewTokens, stopTokens, vocabLimit, blockedTokens, useKvCache);
  }

  public SamplingParams withTopP(double p) {
    return new SamplingParams(
        temperature, p, topK, maxNewTokens, stopTokens, vocabLimit, blockedTokens, useKvCache);
  }

  public SamplingParams withTopK(int k) {
    return new SamplingParams(
        temperature, topP, k, maxNewTokens, stopTokens, vocabLimit, blockedTokens, useKvCache);
  }

  public SamplingParams withMaxNewTokens(int n) {
    return new SamplingParams(
        temperature, topP, topK, n, stopTokens, vocabLimit, blockedTokens, useKvCache);
  }

  public SamplingParams withKvCache(boolean on) {
    return new SamplingParams(
        temperature, topP, topK, maxNewTokens, stopTokens, vocabLimit, blockedTokens, on);
  }

  /**
   * An additive logit mask over a vocabulary of {@code vocab}: 0 for tokens the sampler may draw, a
   * large negative number for blocked tokens and those at or above {@code vocabLimit}. The learner
   * adds it before its log-softmax so its log-probs are those of the sampling policy.
   */
  public float[] logitMask(int vocab) {
    float[] mask = new float[vocab];
    int limit = vocabLimit == 0 ? vocab : Math.min(vocab, vocabLimit);
    for (int i = limit; i < vocab; i++) {
      mask[i] = -1e9f;
    }
    for (int b : blockedTokens) {
      if (b < vocab) {
        mask[b] = -1e9f;
      }
    }
    return mask;
  }

  boolean isStop(int token) {
    for (int s : stopTokens) {
      if (s == token) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SamplingParams p
        && p.temperature == temperature
        && p.topP == topP
        && p.topK == topK
        && p.maxNewTokens == maxNewTokens
        && Arrays.equals(p.stopTokens, stopTokens)
        && p.vocabLimit == vocabLimit
        && Arrays.equals(p.blockedTokens, blockedTokens)
        && p.useKvCache == useKvCache;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(stopTokens) * 31 + Double.hashCode(temperature) + maxNewTokens;
  }

  @Override
  public String toString() {
    return "SamplingParams[temperature="
        + temperature
        + ", topP="
        + topP
        + ", topK="
        + topK
        + ", maxNewTokens="
        + maxNewTokens
        + ", stopTokens="
        + Arrays.toString(stopTokens)
        + ", vocabLimit="
        + vocabLimit
        + ", kvCache="
        + useKvCache
        + "]";
  }
}
