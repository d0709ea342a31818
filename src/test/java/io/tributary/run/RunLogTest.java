package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {
  @TempDir Path dir;

  @Test
  void metricsAreJsonLinesWithoutBlankLines() throws Exception {
    RunLog log = new RunLog(dir);
    log.update(Map.of("version", 1));
    log.update(Map.of("version", 2));
    List<String> lines = Files.readAllLines(dir.resolve(RunLog.METRICS));
    assertThat(lines).containsExactly("{\"version\":1}", "{\"version\":2}");
  }

  @Test
  void aLineTornByACrashIsEndedAndSkippedWhileTheNextLineIsKept() throws Exception {
    RunLog log = new RunLog(dir);
    log.update(Map.of("version", 1));
    Files.writeString(
        dir.resolve(RunLog.METRICS),
        "{\"version\":2, \"lo",
        java.nio.file.StandardOpenOption.APPEND);
    log.update(Map.of("version", 3));
    assertThat(log.read(RunLog.METRICS)).extracting(m -> m.get("version")).containsExactly(1, 3);
  }
}
