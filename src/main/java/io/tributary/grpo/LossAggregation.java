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
 * The loss of config key {@code grpo.aggregation}: which per-token {@link PolicyObjective} and how
 * the per-token losses of a (micro-)batch become one scalar, which decides how much each token of a
 * long versus a short completion weighs. The first four share the clipped token surrogate; names
 * and normalisers follow TRL's {@code loss_type} in {@code grpo_trainer.py}. {@link #GSPO} and
 * {@link #CISPO} are each their paper's objective with their paper's normaliser, so that one key
 * selects a published loss as a whole.
 *
 * <p>With gradient accumulation over k micro-batches, {@link #GRPO}, {@link #BNPO}, {@link
 * #DR_GRPO} and {@link #GSPO} give one micro-batch's mean, so the trainer divides by k; {@link
 * #DAPO} and {@link #CISPO} already divide by the token count of the whole accumulated batch, so
 * their micro-batch losses are simply summed.
 */
public enum LossAggregation {
  /**
   * DeepSeekMath eq. 3: mean over a sequence's tokens (1/|o_i|), then mean over the sequences. Long
   * completions weigh less per token, the length bias Dr. GRPO points out.
   */
  GRPO(PolicyObjective.CLIPPED_TOKEN_RATIO) {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      NDArray perSequence = maskedLoss.sum(new int[] {1}); // (B)
      NDArray tokensPerSequence = Scalars.maximum(mask.sum(new int[] {1}), 1f); // (B)
      return perSequence.div(tokensPerSequence).mean(); // ()
    }
  },
  /** Sum over tokens divided by the active tokens of this (micro-)batch. */
  BNPO(PolicyObjective.CLIPPED_TOKEN_RATIO) {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return maskedLoss.sum().div(Scalars.maximum(mask.sum(), 1f));
    }
  },
  /**
   * Dr. GRPO (Liu et al. 2025, arXiv:2503.20783, section 3.1): sum divided by a constant, sequences
   * × max completion length, so no length bias.
   */
  DR_GRPO(PolicyObjective.CLIPPED_TOKEN_RATIO) {
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
  DAPO(PolicyObjective.CLIPPED_TOKEN_RATIO) {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return Scalars.div(maskedLoss.sum(), (float) dapoTokens);
    }
  },
  /**
   * GSPO (Zheng et al. 2025, arXiv:2507.18071): the clipped surrogate on each sequence's
   * length-normalised ratio, averaged over the sequences. Its per-token form (GSPO-token)
   * aggregated like {@link #GRPO} has the same value and gradient when the advantage is one per
   * sequence, as here, and lets per-token correction weights act on their own token.
   */
  GSPO(PolicyObjective.CLIPPED_SEQUENCE_RATIO) {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return GRPO.aggregate(maskedLoss, mask, maxCompletionLength, dapoTokens);
    }
  },
  /**
   * CISPO (MiniMax-M1, arXiv:2506.13585): the REINFORCE term weighted by the clipped, stop-gradient
   * importance weight, normalised by the token count of the whole batch.
   */
  CISPO(PolicyObjective.CLIPPED_IS_WEIGHT) {
    @Override
    NDArray aggregate(NDArray maskedLoss, NDArray mask, int maxCompletionLength, long dapoTokens) {
      return DAPO.aggregate(maskedLoss, mask, maxCompletionLength, dapoTokens);
    }
  };

  private final PolicyObjective objective;

  LossAggregation(PolicyObjective objective) {
    this.objective = objective;
  }

  /** The per-token loss this aggregation reduces. */
  public PolicyObjective objective() {
    return objective;
  }

  /** True when the normaliser is the accumulated batch's token count (DAPO's). */
  boolean countsAccumulatedTokens() {
    return this == DAPO || this == CISPO;
  }

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
