package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskPrompt;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's prompts from a GSM8K-format file: a seeded split into training and held-out prompts. */
class PromptDatasetTest {
  private static final Path SAMPLE = Path.of("datasets/gsm8k/gsm8k_test_first200.jsonl");

  @TempDir Path dir;

  @Test
  void theHeldOutPromptsAreSplitOffAndNeverTrainedOn() {
    GeneratedSplits splits =
        new PromptDataset(SAMPLE, PromptDataset.Format.GSM8K, 20).load(1, dir.resolve("a"));
    assertThat(splits.heldout()).hasSize(20);
    assertThat(splits.train()).hasSize(180);
    Set<String> heldoutIds = new HashSet<>();
    splits.heldout().forEach(p -> heldoutIds.add(p.id()));
    assertThat(splits.train()).extracting(TaskPrompt::id).doesNotContainAnyElementsOf(heldoutIds);
    assertThat(splits.train()).allSatisfy(p -> assertThat(p.task()).isEqualTo("gsm8k"));
    assertThat(splits.sftTrain()).isEmpty();
    assertThat(dir.resolve("a/data").resolve(GeneratedSplits.HELDOUT_FILE)).isNotEmptyFile();
  }

  @Test
  void theSameSeedGivesTheSameSplit() {
    PromptDataset dataset = new PromptDataset(SAMPLE, null, 10);
    assertThat(dataset.load(4, dir.resolve("a")).heldout())
        .isEqualTo(dataset.load(4, dir.resolve("b")).heldout());
    assertThat(dataset.load(4, dir.resolve("c")).heldout())
        .isNotEqualTo(dataset.load(5, dir.resolve("d")).heldout());
  }

  @Test
  void aHeldOutSplitAsLargeAsTheFileIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> new PromptDataset(SAMPLE, null, 200).load(1, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dataset.heldout: got 200");
  }

  @Test
  void aMissingFileIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> new PromptDataset(dir.resolve("none.jsonl"), null, 5).load(1, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dataset.file");
  }
}
