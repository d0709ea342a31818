package io.tributary.messages;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tributary.config.ConfigException;
import io.tributary.model.SamplingParams;
import io.tributary.tokenizer.Tokenizer;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the G completions of a prompt are drawn: the one sampling spec of a run. The rollout job
 * samples with it, every scored group carries it, and the learner, whose loss depends on the same
 * G, temperature and token budget (the importance ratio is taken at the sampling temperature),
 * refuses a group drawn with another ({@link #requireSame}). Bound from the {@code sampling:}
 * section of both the rollouts and the run configs; a missing key takes its default.
 *
 * @param groupSize G, completions per prompt; at least 2 (a group of one has no advantage)
 * @param temperature softmax temperature; positive, since greedy groups have no variance
 * @param topP nucleus filter, 1 for none
 * @param topK top-k filter, 0 for none
 * @param maxNewTokens completion budget; the policy's context may cut it shorter
 * @param stop texts that end a completion besides the end-of-sequence token; each must be one token
 *     of the policy's tokenizer
 */
public record SamplingConfig(
    Integer groupSize,
    Double temperature,
    Double topP,
    Integer topK,
    Integer maxNewTokens,
    List<String> stop)
    implements Serializable {

  @JsonCreator
  public SamplingConfig {
    groupSize = groupSize == null ? 8 : groupSize;
    temperature = temperature == null ? 1.0 : temperature;
    topP = topP == null ? 1.0 : topP;
    topK = topK == null ? 0 : topK;
    maxNewTokens = maxNewTokens == null ? 64 : maxNewTokens;
    stop = stop == null ? List.of() : List.copyOf(stop);
    if (groupSize < 2) {
      throw badValue("sampling.groupSize", groupSize, "2 or more (advantages compare members)");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw badValue(
          "sampling.temperature", temperature, "a positive number (greedy has no variance)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw badValue("sampling.topP", topP, "a number in (0, 1]");
    }
    if (topK < 0) {
      throw badValue("sampling.topK", topK, "0 (off) or a positive integer");
    }
    if (maxNewTokens < 1) {
      throw badValue("sampling.maxNewTokens", maxNewTokens, "a positive integer");
    }
    for (String s : stop) {
      if (s == null || s.isEmpty()) {
        throw badValue("sampling.stop", stop, "non-empty texts");
      }
    }
  }

  public static SamplingConfig defaults() {
    return new SamplingConfig(null, null, null, null, null, null);
  }

  /**
   * The sampler's settings for {@code tokenizer}: stop at its end-of-sequence token and at each
   * {@code stop} text, never draw PAD or BOS.
   */
  public SamplingParams params(Tokenizer tokenizer) {
    SamplingParams base = SamplingParams.of(tokenizer, temperature, maxNewTokens);
    int[] stopTokens = Arrays.copyOf(base.stopTokens(), base.stopTokens().length + stop.size());
    for (int i = 0; i < stop.size(); i++) {
      int[] ids = tokenizer.encode(stop.get(i));
      if (ids.length != 1) {
        throw badValue(
            "sampling.stop[" + i + "]", stop.get(i), "a text that is one token of the tokenizer");
      }
      stopTokens[base.stopTokens().length + i] = ids[0];
    }
    return new SamplingParams(
        temperature,
        topP,
        topK,
        maxNewTokens,
        stopTokens,
        base.vocabLimit(),
        base.blockedTokens(),
        base.useKvCache());
  }

  /** The same spec with G = {@code n}. */
  public SamplingConfig withGroupSize(int n) {
    return new SamplingConfig(n, temperature, topP, topK, maxNewTokens, stop);
  }

  /** The same spec with a budget of {@code n} new tokens. */
  public SamplingConfig withMaxNewTokens(int n) {
    return new SamplingConfig(groupSize, temperature, topP, topK, n, stop);
  }

  /**
   * Fails unless {@code other} equals {@code expected}, naming each setting that differs with both
   * values, e.g. {@code sampling.groupSize: learner has 8, rollouts has 4}.
   *
   * @param expectedName where {@code expected} comes from ("learner", a config file)
   * @param otherName where {@code other} comes from ("rollouts", "group q7@p0o3")
   */
  public static void requireSame(
      SamplingConfig expected, String expectedName, SamplingConfig other, String otherName) {
    StringBuilder diff = new StringBuilder();
    differ(diff, "groupSize", expected.groupSize, other.groupSize, expectedName, otherName);
    differ(diff, "temperature", expected.temperature, other.temperature, expectedName, otherName);
    differ(diff, "topP", expected.topP, other.topP, expectedName, otherName);
    differ(diff, "topK", expected.topK, other.topK, expectedName, otherName);
    differ(
        diff, "maxNewTokens", expected.maxNewTokens, other.maxNewTokens, expectedName, otherName);
    differ(diff, "stop", expected.stop, other.stop, expectedName, otherName);
    if (!diff.isEmpty()) {
      throw new ConfigException(
          "sampling specs differ: "
              + diff
              + " (the learner's loss assumes the G, temperature and budget the rollouts were"
              + " sampled with; set the same sampling section in both configs)");
    }
  }

  private static void differ(
      StringBuilder diff, String key, Object a, Object b, String aName, String bName) {
    if (!Objects.equals(a, b)) {
      diff.append(diff.isEmpty() ? "" : "; ")
          .append("sampling.")
          .append(key)
          .append(": ")
          .append(aName)
          .append(" has ")
          .append(a)
          .append(", ")
          .append(bName)
          .append(" has ")
          .append(b);
    }
  }
}
