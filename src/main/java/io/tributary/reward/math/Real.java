package io.tributary.reward.math;

import java.math.BigInteger;

/**
 * A real value met while evaluating an answer: exact ({@link BigRational}) as long as every step
 * was rational arithmetic, else an approximation in double precision (after a root that is not
 * rational, pi, e, a logarithm or a trigonometric function). Exactness is what lets 10^9 and 10^9 +
 * 1 differ while \sqrt{2} is compared within a tolerance. Undefined values (0/0, \sqrt{-1}) are
 * {@link #UNDEFINED}.
 */
public record Real(BigRational exact, double approx) {
  public static final Real UNDEFINED = new Real(null, Double.NaN);

  public static Real exact(BigRational value) {
    return new Real(value, value.toDouble());
  }

  public static Real approx(double value) {
    return Double.isNaN(value) ? UNDEFINED : new Real(null, value);
  }

  public boolean isExact() {
    return exact != null;
  }

  public boolean isDefined() {
    return exact != null || !Double.isNaN(approx);
  }

  public Real add(Real o) {
    return isExact() && o.isExact() ? exact(exact.add(o.exact)) : approx(approx + o.approx);
  }

  public Real subtract(Real o) {
    return add(o.negate());
  }

  public Real negate() {
    return isExact() ? exact(exact.negate()) : approx(-approx);
  }

  public Real multiply(Real o) {
    return isExact() && o.isExact() ? exact(exact.multiply(o.exact)) : approx(approx * o.approx);
  }

  public Real divide(Real o) {
    if (o.isExact() && o.exact.signum() == 0) {
      return UNDEFINED;
    }
    return isExact() && o.isExact() ? exact(exact.divide(o.exact)) : approx(approx / o.approx);
  }

  /** Exact for a rational base and an exponent p/q whose q-th root is rational. */
  public Real pow(Real exponent) {
    if (isExact() && exponent.isExact()) {
      BigRational e = exponent.exact;
      if (exact.signum() == 0 && e.signum() <= 0) {
        return UNDEFINED;
      }
      if (e.denominator().bitLength() < 16) {
        int q = e.denominator().intValueExact();
        BigRational root = exact.root(q);
        if (root == null && exact.signum() < 0) {
          return UNDEFINED; // an even root of a negative number
        }
        if (root != null) {
          BigRational power = root.pow(e.numerator());
          if (power != null) {
            return exact(power);
          }
        }
        if (exact.signum() < 0) {
          // an odd root of a negative base: the real root, as (-8)^{1/3} = -2
          double magnitude = Math.pow(-approx, e.toDouble());
          return approx(e.numerator().testBit(0) ? -magnitude : magnitude);
        }
      }
    }
    if (approx < 0 && exponent.approx != Math.rint(exponent.approx)) {
      return UNDEFINED;
    }
    return approx(Math.pow(approx, exponent.approx));
  }

  public Real sqrt() {
    return pow(exact(new BigRational(BigInteger.ONE, BigInteger.TWO)));
  }

  public int signum() {
    return isExact() ? exact.signum() : (int) Math.signum(approx);
  }

  @Override
  public String toString() {
    return isExact() ? exact.toString() : Double.toString(approx);
  }
}
