package io.tributary.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.tributary.model.GradMode;
import io.tributary.model.LoraConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterCheckpointTest {
  private static final ModelConfig CONFIG = TinyModels.forCharTokenizer();
  private static final LoraConfig LORA = LoraConfig.of(4, 8, List.of("attention", "mlp"));
  private static final int[][] TOKENS = {{1, 7, 30, 41, 2, 9}, {3, 3, 50, 8, 11, 6}};

  @TempDir Path dir;

  private static float[] logits(PolicyModel model) {
    try (NDManager step = model.manager().newSubManager();
        GradMode ignored = GradMode.disabled()) {
      return model.logits(step, TOKENS, RoutingContext.inference()).toFloatArray();
    }
  }

  private static PolicyModel trainedLoraPolicy() {
    PolicyModel policy = PolicyModel.create(CONFIG, 11);
    policy.attachAdapters(LORA);
    TinyModels.randomizeAdapters(policy, 12);
    return policy;
  }

  @Test
  void adaptersSavedAloneAndAppliedOverTheirBaseGiveTheAdaptedModel() {
    Path file = dir.resolve("adapters.ckpt");
    try (PolicyModel policy = trainedLoraPolicy();
        PolicyModel base = PolicyModel.create(CONFIG, 11)) {
      Checkpoint.saveAdapters(file, policy, "base.ckpt", new CharTokenizer().spec(), 3, 30, null);
      Checkpoint checkpoint = Checkpoint.read(file);
      assertThat(checkpoint.isAdapterOnly()).isTrue();
      assertThat(checkpoint.header().adapters().lora()).isEqualTo(LORA);
      assertThat(checkpoint.header().adapters().base()).isEqualTo("base.ckpt");
      assertThat(checkpoint.header().tensors())
          .hasSize(2 * policy.adapters().sites().size())
          .allMatch(t -> t.name().contains("lora_w"));
      checkpoint.loadInto(base);
      assertThat(base.adapters().config()).isEqualTo(LORA);
      assertThat(logits(base)).containsExactly(logits(policy));
    }
  }

  @Test
  void anAdapterCheckpointIsAFractionOfAFullOne() throws Exception {
    Path adapters = dir.resolve("adapters.ckpt");
    Path full = dir.resolve("full.ckpt");
    try (PolicyModel policy = trainedLoraPolicy()) {
      Checkpoint.saveAdapters(adapters, policy, "base", new CharTokenizer().spec(), 1, 1, null);
      Checkpoint.save(full, policy, new CharTokenizer().spec(), 1, 1, null);
    }
    long adapterBytes = 0;
    for (CheckpointHeader.TensorEntry t : Checkpoint.read(adapters).header().tensors()) {
      adapterBytes += t.bytes();
    }
    // rank 4 on 32 x 32 projections, 4 per attention layer (2) and 3 in the dense FFN (1):
    // r (in + out) float32 each, against in · out for the weight itself
    assertThat(adapterBytes).isEqualTo(4L * 4 * (32 + 32) * (2 * 4 + 3));
    assertThat(Files.size(adapters)).isLessThan(Files.size(full) / 2);
  }

  @Test
  void adaptersRefuseABaseWithOtherWeights() {
    Path file = dir.resolve("adapters.ckpt");
    try (PolicyModel policy = trainedLoraPolicy();
        PolicyModel other = PolicyModel.create(CONFIG, 99)) {
      Checkpoint.saveAdapters(file, policy, "base.ckpt", new CharTokenizer().spec(), 1, 1, null);
      assertThatThrownBy(() -> Checkpoint.read(file).loadInto(other))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("base.ckpt")
          .hasMessageContaining("SHA-256");
      assertThat(other.adapters()).as("a refused load attaches nothing").isNull();
    }
  }

  @Test
  void anAdapterCheckpointAloneIsNoModel() {
    Path file = dir.resolve("adapters.ckpt");
    try (PolicyModel policy = trainedLoraPolicy()) {
      Checkpoint.saveAdapters(file, policy, "base.ckpt", new CharTokenizer().spec(), 1, 1, null);
    }
    assertThatThrownBy(() -> Checkpoint.read(file).toModel(null))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("only LoRA adapters")
        .hasMessageContaining("base.ckpt");
  }

  @Test
  void anAdapterCheckpointOverABaseCheckpointFileBuildsTheAdaptedModelAlone() {
    Path base = dir.resolve("base.ckpt");
    Path file = dir.resolve("adapters.ckpt");
    float[] expected;
    try (PolicyModel baseModel = PolicyModel.create(CONFIG, 11);
        PolicyModel policy = trainedLoraPolicy()) {
      Checkpoint.save(base, baseModel, new CharTokenizer().spec(), 0, 0, null);
      Checkpoint.saveAdapters(
          file, policy, base.toString(), new CharTokenizer().spec(), 1, 1, null);
      expected = logits(policy);
    }
    try (PolicyModel loaded = Checkpoint.read(file).toModel(null)) {
      assertThat(loaded.adapters().config()).isEqualTo(LORA);
      assertThat(logits(loaded)).containsExactly(expected);
    }
  }

  @Test
  void laterVersionsLoadOnlyTheAdaptersIntoAReplicaThatHasThem() {
    try (PolicyModel policy = trainedLoraPolicy();
        PolicyModel replica = PolicyModel.create(CONFIG, 11)) {
      for (int version = 1; version <= 2; version++) {
        TinyModels.randomizeAdapters(policy, 20 + version);
        Path file = dir.resolve("v" + version + ".ckpt");
        Checkpoint.saveAdapters(file, policy, null, new CharTokenizer().spec(), version, 0, null);
        Checkpoint.read(file).loadInto(replica);
        assertThat(logits(replica)).containsExactly(logits(policy));
      }
    }
  }
}
