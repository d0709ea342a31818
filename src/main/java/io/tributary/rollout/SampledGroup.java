package io.tributary.rollout;

import io.tributary.model.Completion;
import java.util.List;

/**
 * The G completions of one prompt, sampled together in one batch by one policy version, with their
 * decoded texts; scored as a group because group reward functions (e.g. Kimi's length reward)
 * compare the members.
 *
 * @param completions the sampler's output, in sample order
 * @param texts the decoded text of each completion
 */
public record SampledGroup(
    ValidPrompt prompt,
    long policyVersion,
    List<Completion> completions,
    List<String> texts,
    long createdAtMillis) {

  public int tokenCount() {
    int n = 0;
    for (Completion c : completions) {
      n += c.length();
    }
    return n;
  }
}
