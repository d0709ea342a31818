package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.GradMode;
import io.tributary.model.LoraConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.TinyModels;
import io.tributary.policy.PolicyStore;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LoRA run's policy versions: the adapters alone, loadable over the run's base. */
class LoraPolicyVersionsTest {
  private static final ModelConfig CONFIG = TinyModels.forCharTokenizer();
  private static final int[][] TOKENS = {{1, 7, 30, 41, 2, 9}};

  @TempDir Path dir;

  private static float[] logits(PolicyModel model) {
    try (NDManager step = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled()) {
      return model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
    }
  }

  @Test
  void aLoraPolicyVersionHoldsOnlyTheAdaptersAndLoadsOverTheRunsBase() throws Exception {
    Path base = dir.resolve("sft.ckpt");
    CharTokenizer tokenizer = new CharTokenizer();
    try (PolicyModel policy = PolicyModel.create(CONFIG, 1)) {
      Checkpoint.save(base, policy, tokenizer.spec(), 0, 0, Map.of());
      policy.attachAdapters(LoraConfig.of(4, 8, List.of("attention")));
      TinyModels.randomizeAdapters(policy, 3);
      PolicyStore store = new PolicyStore(dir.resolve("policies"), 2, base.toString());
      PolicyStore.Entry entry = store.save(policy, tokenizer.spec(), 1, 10, Map.of());
      Checkpoint version = Checkpoint.read(entry.path());
      assertThat(version.isAdapterOnly()).isTrue();
      assertThat(Files.size(entry.path())).isLessThan(Files.size(base) / 2);
      try (PolicyModel loaded = version.toModel(null)) {
        assertThat(logits(loaded)).containsExactly(logits(policy));
      }
    }
  }
}
