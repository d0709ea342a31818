package io.tributary.reward.math;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The points at which expressions with variables are compared: exact rationals with awkward
 * denominators, so that polynomial and rational identities are checked exactly and a coincidence is
 * unlikely; some negative, so that |x| and x differ. Fixed by seed: a verdict never depends on the
 * run.
 */
final class Sampling {
  static final int POINTS = 6;

  /** A decision needs at least this many points where both sides are defined. */
  static final int MIN_DEFINED = 2;

  private Sampling() {}

  static List<Map<String, Real>> points(Iterable<String> names) {
    List<Map<String, Real>> points = new java.util.ArrayList<>();
    for (int k = 0; k < POINTS; k++) {
      Map<String, Real> point = new HashMap<>();
      for (String name : names) {
        SplittableRandom random = new SplittableRandom(name.hashCode() * 7919L + k * 104729L + 17);
        int q = 7 + random.nextInt(40);
        int p = q / 5 + 1 + random.nextInt(3 * q);
        if (k >= POINTS - 2) {
          p = -p; // the last two points are negative
        }
        point.put(name, Real.exact(new BigRational(BigInteger.valueOf(p), BigInteger.valueOf(q))));
      }
      points.add(point);
    }
    return points;
  }
}
