package io.tributary.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  static ModelConfig tiny() {
    return TinyModels.forCharTokenizer().toBuilder().maxSeqLen(32).build();
  }

  static float[] logits(PolicyModel model) {
    try (NDManager m = model.manager().newSubManager()) {
      return model
          .logits(m, new int[][] {{1, 9, 14, 20, 3}}, RoutingContext.inference())
          .toFloatArray();
    }
  }

  @Test
  void saveThenLoadReproducesLogitsExactlyWithVersionStepAndTokenizer() {
    Path file = dir.resolve("policy.ckpt");
    try (PolicyModel model = PolicyModel.create(tiny(), 1)) {
      Checkpoint.save(file, model, new CharTokenizer().spec(), 7, 140, Map.of("run", "test"));
      Checkpoint read = Checkpoint.read(file);
      assertThat(read.header().policyVersion()).isEqualTo(7);
      assertThat(read.header().trainingStep()).isEqualTo(140);
      assertThat(read.header().modelConfig()).isEqualTo(model.config());
      assertThat(read.header().tokenizer()).isEqualTo(new CharTokenizer().spec());
      try (PolicyModel loaded = read.toModel(null)) {
        assertThat(logits(loaded)).containsExactly(logits(model));
      }
    }
    assertThat(dir.toFile().list()).containsExactly("policy.ckpt"); // no temporary left behind
  }

  @Test
  void theHuggingFaceOptionsAndTheirParametersSurviveSaveAndLoad() {
    Path file = dir.resolve("options.ckpt");
    ModelConfig config = TinyModels.forCharTokenizerWithHfOptions();
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      TinyModels.randomizeConstantParameters(model, 2);
      Checkpoint.save(file, model, new CharTokenizer().spec(), 1, 1, null);
      Checkpoint read = Checkpoint.read(file);
      assertThat(read.header().modelConfig()).isEqualTo(config);
      assertThat(read.header().modelConfig().ropeScaling()).isEqualTo(config.ropeScaling());
      try (PolicyModel loaded = read.toModel(null)) {
        assertThat(logits(loaded)).containsExactly(logits(model));
      }
    }
  }

  @Test
  void aTruncatedCheckpointIsRejectedAndTheModelIsUntouched() throws Exception {
    Path file = dir.resolve("policy.ckpt");
    try (PolicyModel source = PolicyModel.create(tiny(), 1);
        PolicyModel target = PolicyModel.create(tiny(), 2)) {
      Checkpoint.save(file, source, new CharTokenizer().spec(), 1, 1, null);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(raf.length() - 1000);
      }
      float[] before = logits(target);
      assertThatThrownBy(() -> Checkpoint.read(file).loadInto(target))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("truncated");
      assertThat(logits(target)).containsExactly(before);
    }
  }

  @Test
  void aFlippedByteIsCaughtByTheChecksum() throws Exception {
    Path file = dir.resolve("policy.ckpt");
    try (PolicyModel source = PolicyModel.create(tiny(), 1)) {
      Checkpoint.save(file, source, new CharTokenizer().spec(), 1, 1, null);
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 500] ^= 0x10;
    Files.write(file, bytes);
    assertThatThrownBy(() -> Checkpoint.read(file)).hasMessageContaining("checksum mismatch");
  }

  @Test
  void garbageAndMissingFilesGetClearErrors() throws Exception {
    Path garbage = dir.resolve("garbage.ckpt");
    Files.writeString(garbage, "hello, not a checkpoint");
    assertThatThrownBy(() -> Checkpoint.read(garbage)).hasMessageContaining("bad magic");
    assertThatThrownBy(() -> Checkpoint.read(dir.resolve("missing.ckpt")))
        .hasMessageContaining("no such checkpoint file");
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRejectedAndTheModelIsUntouched() {
    Path file = dir.resolve("other.ckpt");
    try (PolicyModel other = PolicyModel.create(tiny().toBuilder().routedExperts(8).build(), 1);
        PolicyModel target = PolicyModel.create(tiny(), 2)) {
      Checkpoint.save(file, other, new CharTokenizer().spec(), 1, 1, null);
      float[] before = logits(target);
      assertThatThrownBy(() -> Checkpoint.read(file).loadInto(target))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("does not fit");
      assertThat(logits(target)).containsExactly(before);
    }
  }

  @Test
  void copyingWeightsBetweenInstancesMakesThemComputeTheSame() {
    try (PolicyModel a = PolicyModel.create(tiny(), 1);
        PolicyModel b = PolicyModel.create(tiny(), 2)) {
      assertThat(logits(b)).isNotEqualTo(logits(a));
      b.copyWeightsFrom(a);
      assertThat(logits(b)).containsExactly(logits(a));
    }
  }
}
