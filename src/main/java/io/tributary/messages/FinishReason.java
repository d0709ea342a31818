package io.tributary.messages;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why generation stopped: an end-of-sequence token, or the length limit. */
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
