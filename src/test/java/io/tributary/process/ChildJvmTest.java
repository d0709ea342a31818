package io.tributary.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A child JVM starts with the modules of its parent that the model's code looks for. */
class ChildJvmTest {

  @Test
  void aChildGetsTheVectorModuleItsParentHasBeforeItsMainClass() {
    // the test JVM has it (surefire's argLine), as the launcher's does
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();

    List<String> command = ChildJvm.command(List.of("-Xmx64m"), ChildJvmTest.class, List.of("a"));

    assertThat(command).contains("--add-modules=jdk.incubator.vector");
    assertThat(command.indexOf("--add-modules=jdk.incubator.vector"))
        .isLessThan(command.indexOf(ChildJvmTest.class.getName()));
  }
}
