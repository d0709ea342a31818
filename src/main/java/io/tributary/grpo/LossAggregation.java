package io.tributary.grpo;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.tributary.config.ConfigException;
import io.tributary.model.Scalars;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How per-token losses of a (micro-)batch become one scalar: the choice decides how much each token
 * of a long versus a short completion weighs. Names and normalisers follow TRL's {@code loss_type}
 * in {@code grpo_trainer.py}.
 *
 * <p>With gradient accumulation over k micro-batches, {@link #GRPO}, {@link #BNPO} and {@link
 * #DR_GRPO} give one micro-batch's mean, so the trainer divides by k; {@link #DAPO} already divides
 * by the token count of the whole accumulated batch, so its micro-batch losses are simply summed.
 */
public enum LossAggregation {
  /**
   * DeepSeekMath eq. 3: mean over a sequence's tokens (1/|o_i|), then mean over the sequences. Long
   * completions weigh less per token, the length bias Dr. GRPO points out.
   */
  GRPO {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      NDArray perSequence = maskedLoss.sum(new int[] {1}); // (B)
      NDArray tokensPerSequence = Scalars.maximum(mask.sum(new int[] {1}), 1f); // (B)
      return perSequence.div(tokensPerSequence).mean(); // ()
    }
  },
  /** Sum over tokens divided by the active tokens of this (micro-)batch. */
  BNPO {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return maskedLoss.sum().div(Scalars.maximum(mask.sum(), 1f));
    }
  },
  /**
   * Dr. GRPO (Liu et al. 2025, arXiv:2503.20783, section 3.1): sum divided by a constant, sequences
   * × max completion length, so no length bias.
   */
  DR_GRPO {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      long sequences = maskedLoss.getShape().get(0);
      return Scalars.div(maskedLoss.sum(), (float) (sequences * maxCompletionLength));
    }
  },
  /**
   * DAPO (Yu et al. 2025, arXiv:2503.14476, section 3.3, token-level policy gradient loss): sum
   * divided by the active tokens of the whole accumulated batch, which the caller counts across its
   * micro-batches.
   */
  DAPO {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return Scalars.div(maskedLoss.sum(), (float) dapoTokens);
    }
  };

  /**
   * @param maskedLoss per-token loss already multiplied by the mask, (B, T)
   * @param mask completion mask, 1 for a completion token and 0 for padding, (B, T)
   * @return the scalar loss, ()
   */
  abstract NDArray aggregate(
      NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens);

  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accepts the config spelling ({@code dr_grpo}) as well as the constant ({@code DR_GRPO}). */
  @JsonCreator
  public static LossAggregation fromConfig(String name) {
    for (LossAggregation value : values()) {
      if (value.name().equalsIgnoreCase(name == null ? "" : name.replace('-', '_'))) {
        return value;
      }
    }
    throw ConfigException.badValue(
        "aggregation",
        name,
        "one of "
            + Arrays.stream(values())
                .map(LossAggregation::configName)
                .collect(Collectors.joining(", ")));
  }
}
