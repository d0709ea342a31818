package io.tributary.stream;

import java.util.List;

/**
 * The G completions of one prompt, sampled together in one batch by one policy version; scored as a
 * group because group reward functions (e.g. Kimi's length reward) compare the members.
 */
public record SampledGroup(
    ValidPrompt prompt, long policyVersion, List<Sample> samples, long createdAtMillis) {

  public int tokenCount() {
    int n = 0;
    for (Sample s : samples) {
      n += s.tokens().length;
    }
    return n;
  }
}
