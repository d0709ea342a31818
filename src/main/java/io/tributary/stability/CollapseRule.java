package io.tributary.stability;

import static io.tributary.config.ConfigException.badValue;

import java.util.List;
import java.util.Optional;

/**
 * When a run counts as collapsed. A run collapsed when, at any held-out evaluation after the first,
 * its pass@1 fell below {@code passDropFraction} times the first evaluation's pass@1 (the SFT cold
 * start), or when the policy entropy of any trained version fell below {@code entropyFloor} nats
 * per token (the policy stopped exploring: every group then has zero advantage and nothing is
 * learned again). Either is a degeneration that the rest of the run does not undo in practice.
 *
 * @param passDropFraction 0 &lt; f &lt; 1; default 0.5: pass@1 below half its starting value
 * @param entropyFloor nats per token, 0 or more; default 0.05
 */
public record CollapseRule(Double passDropFraction, Double entropyFloor) {
  public CollapseRule {
    passDropFraction = passDropFraction != null ? passDropFraction : 0.5;
    entropyFloor = entropyFloor != null ? entropyFloor : 0.05;
    if (!(passDropFraction > 0 && passDropFraction < 1)) {
      throw badValue("collapse.passDropFraction", passDropFraction, "a number in (0, 1)");
    }
    if (!(entropyFloor >= 0)) {
      throw badValue("collapse.entropyFloor", entropyFloor, "0 or more nats per token");
    }
  }

  public static CollapseRule defaults() {
    return new CollapseRule(null, null);
  }

  /** One value of a metric at one policy version. */
  public record Point(long version, double value) {}

  /** Why and where a run collapsed. */
  public record Collapse(long version, String reason) {}

  /**
   * The first collapse in the series, or empty. {@code heldOutPassAt1} is ordered by version, its
   * first point the starting value; a run whose start already scores 0 cannot collapse by accuracy.
   */
  public Optional<Collapse> detect(List<Point> heldOutPassAt1, List<Point> entropy) {
    Optional<Collapse> byAccuracy = Optional.empty();
    if (!heldOutPassAt1.isEmpty()) {
      double start = heldOutPassAt1.get(0).value();
      double threshold = passDropFraction * start;
      for (Point p : heldOutPassAt1.subList(1, heldOutPassAt1.size())) {
        if (p.value() < threshold) {
          byAccuracy =
              Optional.of(
                  new Collapse(
                      p.version(),
                      String.format(
                          "held-out pass@1 %.3f < %.2f x start %.3f",
                          p.value(), passDropFraction, start)));
          break;
        }
      }
    }
    Optional<Collapse> byEntropy = Optional.empty();
    for (Point p : entropy) {
      if (p.value() < entropyFloor) {
        byEntropy =
            Optional.of(
                new Collapse(
                    p.version(),
                    String.format("entropy %.4f < floor %.4f", p.value(), entropyFloor)));
        break;
      }
    }
    if (byAccuracy.isPresent() && byEntropy.isPresent()) {
      return byAccuracy.get().version() <= byEntropy.get().version() ? byAccuracy : byEntropy;
    }
    return byAccuracy.isPresent() ? byAccuracy : byEntropy;
  }
}
