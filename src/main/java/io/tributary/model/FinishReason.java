package io.tributary.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a completion ended: a stop token, or the token budget (a truncated completion). The same
 * value travels from the sampler through the scored-groups topic to the learner.
 */
public enum FinishReason {
  STOP("stop"),
  LENGTH("length");

  private final String wireName;

  FinishReason(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire, as in OpenAI-style APIs and vLLM. */
  @JsonValue
  public String wireName() {
    return wireName;
  }
}
