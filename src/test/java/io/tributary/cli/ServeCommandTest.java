package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
  @Test
  void aMissingCheckpointIsABadInputNamingTheFile(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    Path missing = dir.resolve("nope.ckpt");

    int code =
        TributaryCli.commandLine()
            .setErr(new PrintWriter(err))
            .execute("serve", "--policy", missing.toString(), "--port", "0");

    assertThat(code).isEqualTo(TributaryCli.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("nope.ckpt");
  }

  @Test
  void aPolicyIsRequired() {
    StringWriter err = new StringWriter();

    int code = TributaryCli.commandLine().setErr(new PrintWriter(err)).execute("serve");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--policy");
  }
}
