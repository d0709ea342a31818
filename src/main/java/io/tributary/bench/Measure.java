package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalDouble;

/** Small helpers for benchmarks: medians of repeated timings, resident memory. */
public final class Measure {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private Measure() {}

  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Resident set size of this process in MiB, from /proc (Linux); -1 elsewhere. */
  public static double rssMb() {
    return statusMb("VmRSS:").orElse(-1);
  }

  /** The high-water mark of the resident set (VmHWM) in MiB; empty where /proc has none. */
  public static OptionalDouble peakRssMb() {
    return statusMb("VmHWM:");
  }

  /**
   * Sets the high-water mark back to the current resident set, so that the next {@link
   * #peakRssMb()} covers only what follows (proc(5), clear_refs value 5). False where the kernel or
   * the sandbox refuses.
   */
  public static boolean resetPeakRss() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** Seconds taken by {@code task}. */
  public static double seconds(Runnable task) {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static OptionalDouble statusMb(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          return OptionalDouble.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.empty();
  }
}
