package io.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code bench model --dtype}: what it accepts, checked before anything is loaded or timed. */
class BenchModelCommandTest {

  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TributaryCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Outcome(code, err.toString());
  }

  @Test
  void bfloat16IsRefusedByNameWithTheDtypesThatWork() {
    Outcome o = run("bench", "model", "--hf", "no-such-dir", "--dtype", "bfloat16");

    assertThat(o.code()).isNotZero();
    assertThat(o.err()).contains("--dtype", "'bfloat16'", "expected float32 or float16");
  }

  @Test
  void float16NeedsAnImportedModel() {
    Outcome o = run("bench", "model", "--dtype", "float16");

    assertThat(o.code()).isNotZero();
    assertThat(o.err()).contains("--dtype: needs --hf");
  }
}
