package io.tributary.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
  @Test
  void keepsTheNewestVersionsAndDropsTheRest(@TempDir Path dir) {
    PolicyStore store = new PolicyStore(dir, 2);
    try (PolicyModel policy = PolicyModel.create(TinyModels.forCharTokenizer(), 1)) {
      for (long v = 1; v <= 4; v++) {
        store.save(policy, new CharTokenizer().spec(), v, v, Map.of());
      }
    }

    assertThat(store.versions()).containsExactly(3L, 4L);
    assertThat(store.latest()).get().extracting(PolicyStore.Entry::version).isEqualTo(4L);
  }

  @Test
  void aSaveRemovesTemporaryFilesThatAKilledLearnerLeftBehind(@TempDir Path dir) throws Exception {
    // what Checkpoint.save leaves when the process dies between writing and renaming
    Path abandoned = dir.resolve(".policy-v00000003.ckpt.8812345.tmp");
    Files.write(abandoned, new byte[] {1, 2, 3});
    Path unrelated = dir.resolve("notes.tmp");
    Files.writeString(unrelated, "not the store's");
    PolicyStore store = new PolicyStore(dir, 2);

    try (PolicyModel policy = PolicyModel.create(TinyModels.forCharTokenizer(), 1)) {
      store.save(policy, new CharTokenizer().spec(), 3, 3, Map.of());
    }

    assertThat(abandoned).doesNotExist();
    assertThat(unrelated).exists();
    assertThat(store.versions()).containsExactly(3L);
  }
}
