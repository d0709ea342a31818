package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (a TaskManager or learner
 * launched by other means) never loads the kernel and multiplies with libtorch.
 */
class DecodeProductWithoutModuleTest {

  @Test
  void aJvmWithoutTheVectorModuleStillMultipliesAtOneRow() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-Dai.djl.offline=true",
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("kernel off, product [6.0, 15.0]");
  }

  /** The child's side: a decode-shaped product through the choke point every projection uses. */
  static final class Child {
    public static void main(String[] args) throws IOException {
      try (NDManager manager = NDManager.newBaseManager();
          GradMode ignored = GradMode.disabled()) {
        NDArray x = manager.create(new float[] {1, 1, 1}, new Shape(1, 3));
        NDArray weight = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
        float[] y = ModelBlock.storedLinear(x, weight, null).toFloatArray();
        System.out.println(
            "kernel "
                + (DecodeProduct.enabled() ? "on" : "off")
                + ", product "
                + java.util.Arrays.toString(y));
      }
    }
  }
}
