package io.tributary.bench;

import java.util.OptionalDouble;

/**
 * The peak resident memory of this process over a stretch of code: {@code try (RssPeak peak =
 * RssPeak.start()) { load(); } peak.peakMb()}. The kernel's high-water mark (VmHWM) is exact but
 * covers the whole process life unless it can be reset; where the reset is refused, a thread
 * sampling VmRSS every few milliseconds sees the peak of anything that lasts longer than that,
 * which a model's parameters and a loader's buffers do.
 */
public final class RssPeak implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 5;

  private final boolean hwmReset;
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile double sampledMb;
  private final double startMb;
  private double peakMb = Double.NaN;

  private RssPeak() {
    hwmReset = Measure.resetPeakRss();
    startMb = Measure.rssMb();
    sampledMb = startMb;
    sampler =
        new Thread(
            () -> {
              while (running) {
                sampledMb = Math.max(sampledMb, Measure.rssMb());
                try {
                  Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-peak");
    sampler.setDaemon(true);
    sampler.start();
  }

  public static RssPeak start() {
    return new RssPeak();
  }

  /** Resident memory when the measurement started, MiB. */
  public double startMb() {
    return startMb;
  }

  /** The peak since {@link #start()}, MiB; valid after {@link #close()}. */
  public double peakMb() {
    if (Double.isNaN(peakMb)) {
      throw new IllegalStateException("RssPeak: close() it before reading the peak");
    }
    return peakMb;
  }

  /** Whether the peak is the kernel's exact high-water mark rather than the sampled one. */
  public boolean exact() {
    return hwmReset;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double sampled = Math.max(sampledMb, Measure.rssMb());
    OptionalDouble hwm = hwmReset ? Measure.peakRssMb() : OptionalDouble.empty();
    peakMb = Math.max(sampled, hwm.orElse(sampled));
  }
}
