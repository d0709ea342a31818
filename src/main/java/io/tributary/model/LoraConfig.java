package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

import java.util.List;

/**
 * Low-rank adapters on the policy's projections (Hu et al. 2021, "LoRA"): y = W x + (alpha/rank) ·
 * B A dropout(x), W frozen, A (rank, in) and B (out, rank) trained. It lives under {@code lora:} of
 * the learner's GRPO config, because it decides what the optimizer trains, not what the model is;
 * the base model stays the {@code model:} or {@code hf:} it was.
 *
 * @param rank r, the inner width of B A
 * @param alpha the numerator of the scale alpha/r applied to B A (PEFT's lora_alpha)
 * @param dropout dropout on the adapter's input in training forwards, in [0, 1)
 * @param targets which projections get an adapter: see {@link LoraTargets}
 * @param seed the initialisation of every A
 */
public record LoraConfig(
    Integer rank, Double alpha, Double dropout, List<String> targets, Long seed) {

  public LoraConfig {
    rank = rank != null ? rank : 8;
    alpha = alpha != null ? alpha : 2.0 * rank;
    dropout = dropout != null ? dropout : 0.0;
    targets = targets != null ? List.copyOf(targets) : List.of("attention");
    seed = seed != null ? seed : 0L;
    if (rank <= 0) {
      throw badValue("lora.rank", rank, "a positive integer");
    }
    if (!(alpha > 0) || alpha.isInfinite()) {
      throw badValue("lora.alpha", alpha, "a positive number");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw badValue("lora.dropout", dropout, "a number in [0, 1)");
    }
    if (targets.isEmpty()) {
      throw badValue("lora.targets", targets, "at least one target (for example [attention])");
    }
    for (String t : targets) {
      LoraTargets.compile(t);
    }
  }

  public static LoraConfig of(int rank, double alpha, List<String> targets) {
    return new LoraConfig(rank, alpha, null, targets, null);
  }

  /** alpha / r: PEFT's scaling without rsLoRA. */
  public double scale() {
    return alpha / rank;
  }
}
