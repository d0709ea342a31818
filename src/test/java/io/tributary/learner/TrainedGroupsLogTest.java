package io.tributary.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-version record of trained groups across a kill: never a record without its version. */
class TrainedGroupsLogTest {
  @TempDir Path run;

  static String line(long version) {
    return Json.write(
        new TrainedGroupsLog.TrainedVersion(
            version,
            version - 1,
            version,
            version - 1,
            1,
            3,
            0.5,
            "ab".repeat(32),
            List.of(new TrainedGroupsLog.TrainedGroup("r", 0, 10 + version, "g" + version, 1.0))));
  }

  @Test
  void reopenedAtTheSavedVersionItDropsRecordsOfVersionsNeverSavedAndATornLine() throws Exception {
    Path file = run.resolve(TrainedGroupsLog.FILE);
    // version 3 recorded, then killed before its checkpoint; then a line cut mid-write
    Files.writeString(
        file, line(1) + "\n" + line(2) + "\n" + line(3) + "\n" + line(4).substring(0, 20));

    TrainedGroupsLog.open(run, 2, null, 1, 3);

    assertThat(TrainedGroupsLog.read(file))
        .extracting(TrainedGroupsLog.TrainedVersion::version)
        .containsExactly(1L, 2L);
    assertThat(Files.readString(file)).isEqualTo(line(1) + "\n" + line(2) + "\n");
  }

  @Test
  void aLaterRecordOfAVersionReplacesTheEarlierOne() throws Exception {
    Path file = run.resolve(TrainedGroupsLog.FILE);
    String again = line(2).replace("\"g2\"", "\"g2-retrained\"");
    Files.writeString(file, line(1) + "\n" + line(2) + "\n" + again + "\n");

    assertThat(TrainedGroupsLog.read(file).get(1).groups().get(0).groupId())
        .isEqualTo("g2-retrained");
  }

  @Test
  void aWholeLineThatIsNotARecordIsNamedWithItsLine() throws Exception {
    Path file = run.resolve(TrainedGroupsLog.FILE);
    Files.writeString(file, line(1) + "\n{\"version\": 2, \"colour\": 1}\n" + line(3) + "\n");

    assertThatThrownBy(() -> TrainedGroupsLog.read(file))
        .hasMessageContaining(TrainedGroupsLog.FILE + " line 2: not a trained-version record");
  }
}
