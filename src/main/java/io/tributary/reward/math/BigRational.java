package io.tributary.reward.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * An exact rational number over {@link BigInteger}, always in lowest terms with a positive
 * denominator, so that {@code equals} is numeric equality: 10^9 and 10^9 + 1 stay apart however
 * large they are.
 */
public record BigRational(BigInteger numerator, BigInteger denominator)
    implements Comparable<BigRational> {
  public static final BigRational ZERO = new BigRational(BigInteger.ZERO, BigInteger.ONE);
  public static final BigRational ONE = new BigRational(BigInteger.ONE, BigInteger.ONE);

  /** Beyond this many bits a power is not worth computing exactly; it is approximated. */
  static final int MAX_EXACT_BITS = 100_000;

  public BigRational {
    if (denominator.signum() == 0) {
      throw new ArithmeticException("division by zero");
    }
    if (denominator.signum() < 0) {
      numerator = numerator.negate();
      denominator = denominator.negate();
    }
    BigInteger gcd = numerator.gcd(denominator);
    if (!gcd.equals(BigInteger.ONE) && gcd.signum() != 0) {
      numerator = numerator.divide(gcd);
      denominator = denominator.divide(gcd);
    }
    if (numerator.signum() == 0) {
      denominator = BigInteger.ONE;
    }
  }

  public static BigRational of(long n) {
    return new BigRational(BigInteger.valueOf(n), BigInteger.ONE);
  }

  public static BigRational of(BigInteger n) {
    return new BigRational(n, BigInteger.ONE);
  }

  /** Reads {@code 12}, {@code 0.25}, {@code .5}, {@code 1.5e-3} exactly. */
  public static BigRational parseDecimal(String text) {
    BigDecimal d = new BigDecimal(text.startsWith(".") ? "0" + text : text);
    return of(d);
  }

  public static BigRational of(BigDecimal d) {
    if (d.scale() <= 0) {
      return of(d.toBigIntegerExact());
    }
    return new BigRational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
  }

  public BigRational add(BigRational o) {
    return new BigRational(
        numerator.multiply(o.denominator).add(o.numerator.multiply(denominator)),
        denominator.multiply(o.denominator));
  }

  public BigRational subtract(BigRational o) {
    return add(o.negate());
  }

  public BigRational multiply(BigRational o) {
    return new BigRational(numerator.multiply(o.numerator), denominator.multiply(o.denominator));
  }

  public BigRational divide(BigRational o) {
    return new BigRational(numerator.multiply(o.denominator), denominator.multiply(o.numerator));
  }

  public BigRational negate() {
    return new BigRational(numerator.negate(), denominator);
  }

  public int signum() {
    return numerator.signum();
  }

  public boolean isInteger() {
    return denominator.equals(BigInteger.ONE);
  }

  /** Whether the decimal expansion ends (the denominator has no prime factors but 2 and 5). */
  public boolean terminates() {
    BigInteger d = denominator;
    for (BigInteger p : new BigInteger[] {BigInteger.TWO, BigInteger.valueOf(5)}) {
      while (d.mod(p).signum() == 0) {
        d = d.divide(p);
      }
    }
    return d.equals(BigInteger.ONE);
  }

  /** This to an integer power, or null when the result would be too large to hold exactly. */
  public BigRational pow(BigInteger exponent) {
    if (exponent.signum() < 0) {
      if (signum() == 0) {
        throw new ArithmeticException("zero to a negative power");
      }
      BigRational positive = pow(exponent.negate());
      return positive == null ? null : ONE.divide(positive);
    }
    long bits = Math.max(numerator.abs().bitLength(), denominator.bitLength());
    if (bits > 1 && (exponent.bitLength() > 31 || bits * exponent.longValue() > MAX_EXACT_BITS)) {
      return null;
    }
    if (bits <= 1 && exponent.bitLength() > 31) {
      return numerator.signum() == 0
          ? ZERO
          : numerator.signum() > 0 || !exponent.testBit(0) ? ONE : ONE.negate();
    }
    int e = exponent.intValueExact();
    return new BigRational(numerator.pow(e), denominator.pow(e));
  }

  /** The exact n-th root when it is rational, else null. */
  public BigRational root(int n) {
    if (signum() < 0) {
      if (n % 2 == 0) {
        return null;
      }
      BigRational positive = negate().root(n);
      return positive == null ? null : positive.negate();
    }
    BigInteger p = integerRoot(numerator, n);
    BigInteger q = integerRoot(denominator, n);
    return p == null || q == null ? null : new BigRational(p, q);
  }

  private static BigInteger integerRoot(BigInteger x, int n) {
    if (x.signum() == 0 || x.equals(BigInteger.ONE)) {
      return x;
    }
    if (n == 2) {
      BigInteger r = x.sqrt();
      return r.multiply(r).equals(x) ? r : null;
    }
    // Newton on integers from an estimate above the root
    BigInteger r = BigInteger.ONE.shiftLeft(x.bitLength() / n + 1);
    BigInteger nBig = BigInteger.valueOf(n);
    while (true) {
      BigInteger next =
          r.multiply(nBig.subtract(BigInteger.ONE)).add(x.divide(r.pow(n - 1))).divide(nBig);
      if (next.compareTo(r) >= 0) {
        break;
      }
      r = next;
    }
    return r.pow(n).equals(x) ? r : null;
  }

  public double toDouble() {
    double n = numerator.doubleValue();
    double d = denominator.doubleValue();
    if (Double.isFinite(n) && Double.isFinite(d)) {
      return n / d;
    }
    return new BigDecimal(numerator)
        .divide(new BigDecimal(denominator), MathContext.DECIMAL64)
        .doubleValue();
  }

  @Override
  public int compareTo(BigRational o) {
    return numerator.multiply(o.denominator).compareTo(o.numerator.multiply(denominator));
  }

  @Override
  public String toString() {
    return isInteger() ? numerator.toString() : numerator + "/" + denominator;
  }
}
