package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MeasureTest {

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Measure.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Measure.median(new double[] {5, 1, 3})).isEqualTo(3);
  }

  @Test
  void thePeakSeesAnAllocationThatIsFreedBeforeTheMeasurementEnds() {
    long bytes = 256L << 20;
    RssPeak peak = RssPeak.start();
    try (NDManager manager = NDManager.newBaseManager()) {
      // ones, so every page is written and resident, held for several sampling periods
      NDArray big = manager.ones(new Shape(bytes / Float.BYTES));
      big.sum().close();
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      peak.close();
    }

    assertThat(peak.peakMb()).isGreaterThan(peak.startMb() + 200);
    assertThat(Measure.rssMb()).isLessThan(peak.peakMb());
  }

  @Test
  void theBandwidthCeilingIsTheBetterOfTheTwoKernels() {
    MemoryBandwidth measured = MemoryBandwidth.measure(16L << 20, 1);

    assertThat(measured.scaleGbPerS()).isPositive();
    assertThat(measured.addGbPerS()).isPositive();
    assertThat(measured.readGbPerS()).isPositive();
    assertThat(measured.matVecGbPerS()).isPositive();
    assertThat(measured.matVecFloat16GbPerS()).isPositive();
    assertThat(measured.matVecJavaGbPerS()).as("the Java kernel, on in the tests").isPositive();
    assertThat(measured.ceilingGbPerS())
        .isEqualTo(
            Math.max(
                measured.scaleGbPerS(), Math.max(measured.addGbPerS(), measured.readGbPerS())));
    assertThat(measured.arrayBytes()).isEqualTo(16L << 20);
  }
}
