package io.tributary.reward.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a TorchScript model expects the padding of shorter rows. */
public enum PaddingSide {
  @JsonProperty("left")
  LEFT,
  @JsonProperty("right")
  RIGHT
}
