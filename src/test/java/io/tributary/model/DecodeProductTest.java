package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode product computed on the weight's memory in place equals libtorch's {@code
 * Linear.linear} to float32 rounding, and is taken only where it may be: few rows, float32, a
 * contiguous weight, no autograd recording.
 */
class DecodeProductTest {

  @Test
  void isActiveInAJvmWithTheVectorModule() {
    // surefire gives --add-modules jdk.incubator.vector, as the launcher does; without it every
    // other test here would compare libtorch with itself
    assertThat(DecodeProduct.enabled()).isTrue();
  }

  @ParameterizedTest(name = "{0} rows of {1} -> {2}, bias {3}")
  @CsvSource({
    "1, 1024, 3072, false",
    "1, 3072, 1024, true",
    "1, 5, 3, false", // shorter than one vector
    "1, 1031, 257, true", // neither size a multiple of any vector length
    "2, 1031, 257, false",
    "2, 50, 7, false", // one vector past the unrolled loop, then single columns
    "3, 67, 129, true", // a pair and a single row
    "3, 1024, 1000, true",
  })
  void equalsLibtorchsLinearToFloatRounding(int rows, int in, int out, boolean withBias) {
    try (NDManager manager = NDManager.newBaseManager();
        GradMode ignored = GradMode.disabled()) {
      Random random = new Random(rows * 31L + in);
      NDArray x = normal(manager, random, new Shape(rows, in), 1);
      NDArray weight = normal(manager, random, new Shape(out, in), 0.05);
      NDArray bias = withBias ? normal(manager, random, new Shape(out), 1) : null;

      NDArray kernel = DecodeProduct.linear(x, weight, bias);
      NDArray reference =
          (withBias ? Linear.linear(x, weight, bias) : Linear.linear(x, weight)).singletonOrThrow();

      assertThat(kernel).as("the kernel takes this product").isNotNull();
      assertThat(kernel.getShape()).isEqualTo(new Shape(rows, out));
      assertCloseToFloatRounding(kernel.toFloatArray(), reference.toFloatArray());
    }
  }

  @Test
  void keepsTheLeadingDimensionsOfADecodeStepsInput() {
    try (NDManager manager = NDManager.newBaseManager();
        GradMode ignored = GradMode.disabled()) {
      Random random = new Random(5);
      NDArray x = normal(manager, random, new Shape(1, 1, 96), 1); // (B, T, C) at one token
      NDArray weight = normal(manager, random, new Shape(40, 96), 0.1);

      NDArray kernel = DecodeProduct.linear(x, weight, null);

      assertThat(kernel.getShape()).isEqualTo(new Shape(1, 1, 40));
      assertThat(x.getShape()).as("the input's own shape").isEqualTo(new Shape(1, 1, 96));
      assertCloseToFloatRounding(
          kernel.toFloatArray(), Linear.linear(x, weight).singletonOrThrow().toFloatArray());
    }
  }

  @Test
  void readsAStridedInputAsWell() {
    try (NDManager manager = NDManager.newBaseManager();
        GradMode ignored = GradMode.disabled()) {
      Random random = new Random(6);
      NDArray x = normal(manager, random, new Shape(33, 2), 1).transpose(); // (2, 33), a view
      NDArray weight = normal(manager, random, new Shape(19, 33), 0.2);

      assertCloseToFloatRounding(
          DecodeProduct.linear(x, weight, null).toFloatArray(),
          Linear.linear(x, weight).singletonOrThrow().toFloatArray());
    }
  }

  @Test
  void readsTheWeightAsItIsNowNotACopyTakenEarlier() {
    try (NDManager manager = NDManager.newBaseManager();
        GradMode ignored = GradMode.disabled()) {
      NDArray x = manager.ones(new Shape(1, 64));
      NDArray weight = manager.ones(new Shape(8, 64));
      assertThat(DecodeProduct.linear(x, weight, null).toFloatArray()[0]).isEqualTo(64f);

      weight.muli(2); // in place, as a learner's update or a weight load writes it
      assertThat(DecodeProduct.linear(x, weight, null).toFloatArray()[0]).isEqualTo(128f);

      // and the buffer it reads is the tensor's own memory: a write through it reaches libtorch
      ByteBuffer view = ((PtNDArray) weight).toByteBuffer(true).order(ByteOrder.nativeOrder());
      view.putFloat(0, 5f);
      assertThat(weight.toFloatArray()[0]).isEqualTo(5f);
    }
  }

  @Test
  void splittingTheRowsBetweenThreadsGivesTheSameOutputs() {
    int n = 1000;
    int k = 777;
    ByteBuffer weight =
        ByteBuffer.allocateDirect(n * k * Float.BYTES).order(ByteOrder.nativeOrder());
    Random random = new Random(9);
    for (int i = 0; i < n * k; i++) {
      weight.putFloat(i * Float.BYTES, (float) random.nextGaussian());
    }
    float[] x = new float[3 * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] one = new float[3 * n];
    float[] two = new float[3 * n];

    VectorMatVec.multiply(weight, n, k, x, 3, one, 1);
    VectorMatVec.multiply(weight, n, k, x, 3, two, 2);

    assertThat(two).containsExactly(one);
  }

  @Test
  void severalProductsAsOneJobGiveWhatEachGivesAlone() {
    Random random = new Random(10);
    int[][] shapes = {{1000, 777}, {64, 777}, {333, 777}}; // (N, K): q, k and v of odd sizes
    float[] x = gaussians(random, 777);
    VectorMatVec.Product[] job = new VectorMatVec.Product[shapes.length];
    float[][] alone = new float[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      ByteBuffer weight = gaussianBuffer(random, shapes[i][0] * shapes[i][1]);
      alone[i] = new float[shapes[i][0]];
      VectorMatVec.multiply(weight, shapes[i][0], shapes[i][1], x, 1, alone[i], 1);
      job[i] =
          new VectorMatVec.Product(
              weight, shapes[i][0], shapes[i][1], x, 1, new float[shapes[i][0]]);
    }

    VectorMatVec.multiply(job, 2);

    for (int i = 0; i < shapes.length; i++) {
      assertThat(job[i].y()).as("product %d", i).containsExactly(alone[i]);
    }
  }

  @Test
  void productsOfSeveralCallersAtOnceAreEachTheirOwn() throws Exception {
    // the helpers take one job at a time: a caller that finds them busy works alone, and a
    // helper that picks up a job late finds nothing left of it
    Random random = new Random(12);
    int n = 700;
    int k = 513;
    ByteBuffer weight = gaussianBuffer(random, n * k);
    int callers = 4;
    float[][] inputs = new float[callers][];
    float[][] expected = new float[callers][];
    for (int c = 0; c < callers; c++) {
      inputs[c] = gaussians(random, k);
      expected[c] = new float[n];
      VectorMatVec.multiply(weight, n, k, inputs[c], 1, expected[c], 1);
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(callers);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> wrong = new java.util.ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        wrong.add(
            pool.submit(
                () -> {
                  int mismatches = 0;
                  for (int round = 0; round < 200; round++) {
                    float[] y = new float[n];
                    VectorMatVec.multiply(weight, n, k, inputs[caller], 1, y, 2);
                    mismatches += java.util.Arrays.equals(y, expected[caller]) ? 0 : 1;
                  }
                  return mismatches;
                }));
      }
      for (java.util.concurrent.Future<Integer> f : wrong) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void weightedSumOfCachedRowsIsTheSumOfEachRowTimesItsWeight() {
    Random random = new Random(14);
    int rows = 23;
    int d = 37; // lanes and a scalar tail
    ByteBuffer values = gaussianBuffer(random, rows * d);
    float[] p = gaussians(random, rows + 5);
    float[] out = new float[d + 3];

    VectorMatVec.weightedSum(values, rows, d, p, 5, out, 3);

    for (int c = 0; c < d; c++) {
      double sum = 0;
      for (int j = 0; j < rows; j++) {
        sum += (double) p[5 + j] * values.getFloat((j * d + c) * Float.BYTES);
      }
      assertThat((double) out[3 + c]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(out[0]).as("before the offset, untouched").isZero();
  }

  private static float[] gaussians(Random random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static ByteBuffer gaussianBuffer(Random random, int count) {
    ByteBuffer buffer =
        ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
    for (int i = 0; i < count; i++) {
      buffer.putFloat(i * Float.BYTES, (float) random.nextGaussian());
    }
    return buffer;
  }

  @Test
  void leavesToLibtorchWhatItDoesNotTake() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Random random = new Random(7);
      NDArray weight = normal(manager, random, new Shape(32, 16), 1);
      NDArray one = normal(manager, random, new Shape(1, 16), 1);
      try (GradMode ignored = GradMode.disabled()) {
        NDArray manyRows = normal(manager, random, new Shape(DecodeProduct.MAX_ROWS + 1, 16), 1);
        assertThat(DecodeProduct.linear(manyRows, weight, null)).as("prefill").isNull();
        NDArray strided = normal(manager, random, new Shape(16, 32), 1).transpose();
        assertThat(DecodeProduct.linear(one, strided, null)).as("a strided view").isNull();
        NDArray half = weight.toType(DataType.FLOAT16, true);
        assertThat(DecodeProduct.linear(one.toType(DataType.FLOAT16, true), half, null))
            .as("float16")
            .isNull();
      }
      try (GradMode ignored = GradMode.enabled()) {
        assertThat(DecodeProduct.linear(one, weight, null)).as("while recording a graph").isNull();
      }
    }
  }

  /** Within a few float32 roundings of the largest output: the two sum in different orders. */
  private static void assertCloseToFloatRounding(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    float largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    float tolerance = 1e-5f * largest;
    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("output %d: %s against %s", i, actual[i], expected[i])
          .isLessThanOrEqualTo(tolerance);
    }
  }

  private static NDArray normal(NDManager manager, Random random, Shape shape, double std) {
    float[] values = new float[(int) shape.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return manager.create(values, shape);
  }
}
