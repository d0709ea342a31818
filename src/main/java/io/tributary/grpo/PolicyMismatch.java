package io.tributary.grpo;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How far the sampler's policy is from the learner's on the tokens the sampler drew, per staleness
 * bucket: the sampler's recorded (behaviour) log-probs against the learner's log-probs of the same
 * tokens before the update, and, where both sides recorded them, the MoE routing decisions. The
 * mismatch an MoE policy suffers between a KV-cache sampler and a full-forward learner, measured
 * before any correction is chosen (Yao et al. 2025 measure the same gap for vLLM against FSDP).
 *
 * <p>Feed it with {@link #add}; {@link #summaries()} has a bucket only where tokens were added, and
 * a bucket's routing share only where routing decisions were added.
 */
public final class PolicyMismatch {
  private final Map<StalenessBucket, Accumulator> buckets = new EnumMap<>(StalenessBucket.class);

  /**
   * The mismatch of one set of tokens.
   *
   * @param tokens how many tokens were compared (> 0)
   * @param logProbAbsMean mean over tokens of |log p_behaviour - log p_learner|
   * @param logProbAbsMax the largest such difference
   * @param k3Kl mean over tokens of k3 = exp(r) - 1 - r, r = log p_learner - log p_behaviour: since
   *     the tokens were drawn from the behaviour policy this estimates KL(behaviour || learner)
   *     (Schulman 2020, "Approximating KL divergence"); >= 0
   * @param routingDisagreement share of (token, MoE layer) routing decisions whose expert sets
   *     differ between sampler and learner; empty when no routing was recorded
   */
  public record Summary(
      long tokens,
      double logProbAbsMean,
      double logProbAbsMax,
      double k3Kl,
      OptionalDouble routingDisagreement) {}

  /**
   * The mismatch of the tokens of one or more completions.
   *
   * @param behaviour the sampler's log-probs of the tokens
   * @param learner the learner's log-probs of the same tokens
   * @param samplerRouting the experts the sampler chose, {@code expertsPerDecision} per (token, MoE
   *     layer) decision; null when not recorded
   * @param learnerRouting the learner's, in the same layout; null when not recorded
   */
  public static Summary measure(
      float[] behaviour,
      float[] learner,
      int[] samplerRouting,
      int[] learnerRouting,
      int expertsPerDecision) {
    PolicyMismatch one = new PolicyMismatch();
    one.add(0, behaviour, learner);
    if (samplerRouting != null || learnerRouting != null) {
      one.addRouting(0, samplerRouting, learnerRouting, expertsPerDecision);
    }
    Summary summary = one.summaries().get(StalenessBucket.S0);
    if (summary == null) {
      throw new IllegalArgumentException("behaviour: got no tokens, expected at least one");
    }
    return summary;
  }

  /** Adds the tokens of one completion sampled {@code staleness} versions behind the learner. */
  public void add(long staleness, float[] behaviour, float[] learner) {
    if (behaviour.length != learner.length) {
      throw new IllegalArgumentException(
          "learner: got "
              + learner.length
              + " log-probs, expected one per behaviour log-prob ("
              + behaviour.length
              + ")");
    }
    Accumulator bucket = bucket(staleness);
    for (int t = 0; t < behaviour.length; t++) {
      double r = (double) learner[t] - behaviour[t];
      double absDiff = Math.abs(r);
      bucket.tokens++;
      bucket.absDiffSum += absDiff;
      bucket.absDiffMax = Math.max(bucket.absDiffMax, absDiff);
      bucket.k3Sum += Math.expm1(r) - r; // exp(r) - 1 - r without cancellation for small r
    }
  }

  /**
   * Adds the routing decisions of one completion: {@code expertsPerDecision} experts per (token,
   * MoE layer), compared as sets, so the order within a top-k does not count.
   */
  public void addRouting(
      long staleness, int[] samplerRouting, int[] learnerRouting, int expertsPerDecision) {
    if (samplerRouting == null || learnerRouting == null) {
      throw new IllegalArgumentException(
          (samplerRouting == null ? "samplerRouting" : "learnerRouting")
              + ": got null, expected both sides' routing decisions");
    }
    if (expertsPerDecision < 1
        || samplerRouting.length != learnerRouting.length
        || samplerRouting.length % expertsPerDecision != 0) {
      throw new IllegalArgumentException(
          "routing: got "
              + samplerRouting.length
              + " sampler and "
              + learnerRouting.length
              + " learner experts, expected equal lengths, a multiple of expertsPerDecision = "
              + expertsPerDecision);
    }
    Accumulator bucket = bucket(staleness);
    for (int from = 0; from < samplerRouting.length; from += expertsPerDecision) {
      bucket.decisions++;
      bucket.differing +=
          sameExperts(samplerRouting, learnerRouting, from, expertsPerDecision) ? 0 : 1;
    }
  }

  /**
   * Adds routing decisions already compared elsewhere: {@code differing} of {@code decisions}
   * (token, MoE layer) decisions chose another expert set (what {@link
   * io.tributary.model.RoutingTrace#differingDecisions} counts).
   */
  public void addRoutingCounts(long staleness, long differing, long decisions) {
    if (differing < 0 || decisions < differing) {
      throw new IllegalArgumentException(
          "routing: got " + differing + " differing of " + decisions + " decisions");
    }
    Accumulator bucket = bucket(staleness);
    bucket.decisions += decisions;
    bucket.differing += differing;
  }

  /** One summary per bucket that received tokens; empty when nothing was added. */
  public Map<StalenessBucket, Summary> summaries() {
    Map<StalenessBucket, Summary> out = new EnumMap<>(StalenessBucket.class);
    buckets.forEach(
        (bucket, a) -> {
          if (a.tokens > 0) {
            out.put(
                bucket,
                new Summary(
                    a.tokens,
                    a.absDiffSum / a.tokens,
                    a.absDiffMax,
                    a.k3Sum / a.tokens,
                    a.decisions == 0
                        ? OptionalDouble.empty()
                        : OptionalDouble.of((double) a.differing / a.decisions)));
          }
        });
    return Collections.unmodifiableMap(out);
  }

  private Accumulator bucket(long staleness) {
    return buckets.computeIfAbsent(StalenessBucket.of(staleness), b -> new Accumulator());
  }

  private static boolean sameExperts(int[] a, int[] b, int from, int k) {
    for (int i = from; i < from + k; i++) {
      boolean found = false;
      for (int j = from; j < from + k && !found; j++) {
        found = a[i] == b[j];
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static final class Accumulator {
    long tokens;
    double absDiffSum;
    double absDiffMax;
    double k3Sum;
    long decisions;
    long differing;
  }
}
