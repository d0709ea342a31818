package io.tributary.reward.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The shape of a TorchScript reward model's output: one score per row, flat or as a column. */
public enum ScoreShape {
  @JsonProperty("(B)")
  B,
  @JsonProperty("(B,1)")
  B_BY_1
}
