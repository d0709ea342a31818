package io.tributary.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedConfigPathsTest {
  record Files(Path model, Path store, Path elsewhere) {}

  @Test
  void aSavedConfigNamesPathsUnderItsBaseRelativelyAndOthersAsPlainPaths(@TempDir Path base) {
    Path outside = base.getParent().resolve("elsewhere").toAbsolutePath();
    Files files =
        new Files(base.resolve("configs/model/small.yaml"), base.resolve("runs/r1"), outside);

    String yaml = Yaml.write(files, base);

    assertThat(yaml)
        .contains("model: configs/model/small.yaml")
        .contains("store: runs/r1")
        .contains("elsewhere: " + outside)
        .doesNotContain("file:");
    assertThat(Yaml.read(yaml, Files.class, "saved").model())
        .isEqualTo(Path.of("configs/model/small.yaml"));
  }

  @Test
  void theDefaultWriterStillGivesAbsolutePathsForOtherProcesses() {
    String yaml = Yaml.write(new Files(Path.of("a.yaml"), Path.of("b"), Path.of("/c")));

    assertThat(yaml).contains("model: " + Path.of("a.yaml").toAbsolutePath().toUri());
  }

  @Test
  void noRecordInDocsNamesAFileByAnAbsoluteUri() throws IOException {
    try (Stream<Path> docs = java.nio.file.Files.walk(Path.of("docs"))) {
      List<Path> absolute =
          docs.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".md"))
              .filter(p -> read(p).contains("file:///"))
              .toList();

      assertThat(absolute).as("files naming an absolute file:// path").isEmpty();
    }
  }

  private static String read(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
