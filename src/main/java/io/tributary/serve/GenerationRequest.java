package io.tributary.serve;

import io.tributary.model.SamplingParams;
import java.util.List;

/**
 * A validated {@code /v1/completions} or {@code /v1/chat/completions} request: one or more prompts
 * (already tokenized), {@code n} choices of each, how they are sampled and what is returned.
 *
 * @param seed null when the client gave none (each choice then draws a fresh seed)
 * @param topLogprobs null when no log-probabilities were asked for; otherwise how many alternatives
 *     each token lists (0 for the drawn token alone)
 */
record GenerationRequest(
    boolean chat,
    List<int[]> prompts,
    SamplingParams params,
    int n,
    Long seed,
    List<String> stops,
    Integer topLogprobs,
    boolean stream,
    boolean includeUsage) {

  int rows() {
    return prompts.size() * n;
  }

  int longestPrompt() {
    return prompts.stream().mapToInt(p -> p.length).max().orElse(0);
  }
}
