package io.tributary.reward.rules;

import io.tributary.reward.Rollout;
import java.util.OptionalInt;

/**
 * How length-based rewards measure a completion. The papers count tokens (Kimi k1.5, DAPO); open-r1
 * counts characters, which needs no tokenizer.
 */
public enum LengthUnit {
  TOKENS,
  CHARACTERS;

  /**
   * The completion's length, or empty when it is measured in tokens and none were given (no ids for
   * a non-empty text; an empty completion has zero tokens).
   */
  public OptionalInt length(Rollout rollout) {
    return switch (this) {
      case TOKENS ->
          rollout.hasTokenIds() || rollout.completion().isEmpty()
              ? OptionalInt.of(rollout.completionTokenIds().length)
              : OptionalInt.empty();
      case CHARACTERS -> OptionalInt.of(rollout.completion().length());
    };
  }

  public String missingReason() {
    return "the rollout has no completion token ids; set params.unit: characters";
  }
}
