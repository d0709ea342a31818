package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.checkpoint.CheckpointException;
import io.tributary.model.LoraConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LoRA run's versions name their base's tokenizer.json by its SHA-256 instead of carrying it,
 * while a checkpoint of every weight stays self-contained.
 */
class AdapterVersionTokenizerTest {
  private static final LoraConfig LORA = LoraConfig.of(4, 8, List.of("attention"));

  @TempDir Path dir;
  private Path base;

  @BeforeEach
  void copyTheImportedBase() throws IOException {
    base = Files.createDirectories(dir.resolve("qwen3"));
    try (Stream<Path> files = Files.list(HfParityTest.FIXTURES.resolve("qwen3"))) {
      for (Path f : files.toList()) {
        Files.copy(f, base.resolve(f.getFileName()));
      }
    }
  }

  private Path adapterVersion(String baseName) {
    Path file = dir.resolve("v1.ckpt");
    try (PolicyModel model = HfImport.load(base)) {
      model.attachAdapters(LORA);
      TinyModels.randomizeAdapters(model, 3);
      Checkpoint.saveAdapters(
          file, model, baseName, HfTokenizers.load(base).spec(), 1, 1, Map.of());
    }
    return file;
  }

  private static String fileSha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void anAdapterVersionNamesItsBasesTokenizerByHashInsteadOfCopyingIt() throws Exception {
    Checkpoint version = Checkpoint.read(adapterVersion(base.toString()));
    String trained = fileSha256(base.resolve("tokenizer.json"));

    assertThat(version.header().tokenizer())
        .isInstanceOfSatisfying(
            TokenizerSpec.OfBase.class,
            named -> assertThat(named.tokenizerSha256()).isEqualTo(trained));
    assertThat(version.tokenizer()).isEqualTo(HfTokenizers.load(base).spec());
    assertThat(version.hasTokenizer(HfTokenizers.load(base).spec())).isTrue();
  }

  @Test
  void aChangedBaseTokenizerIsRefusedNamingBothHashes() throws Exception {
    Path file = adapterVersion(base.toString());
    String trained = fileSha256(base.resolve("tokenizer.json"));
    Files.writeString(
        base.resolve("tokenizer.json"), Files.readString(base.resolve("tokenizer.json")) + "\n");

    assertThatThrownBy(() -> Checkpoint.read(file).tokenizer())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("tokenizer.json changed")
        .hasMessageContaining(trained)
        .hasMessageContaining(fileSha256(base.resolve("tokenizer.json")));
  }

  @Test
  void aRunningReplicaWithAnotherTokenizerDoesNotMatchTheVersion() {
    Checkpoint version = Checkpoint.read(adapterVersion(base.toString()));
    TokenizerSpec.HuggingFace running = HfTokenizers.load(base).spec();
    TokenizerSpec.HuggingFace other =
        new TokenizerSpec.HuggingFace(
            running.tokenizerJson() + " ",
            running.bosToken(),
            running.eosToken(),
            running.padToken());

    assertThat(version.hasTokenizer(other)).isFalse();
  }

  @Test
  void aFullCheckpointStillCarriesTheWholeTokenizerAndServesAsABase() {
    Path full = dir.resolve("full.ckpt");
    TokenizerSpec.HuggingFace spec = HfTokenizers.load(base).spec();
    try (PolicyModel model = HfImport.load(base)) {
      Checkpoint.save(full, model, spec, 0, 0, Map.of());
    }
    assertThat(Checkpoint.read(full).header().tokenizer()).isEqualTo(spec);

    Checkpoint version = Checkpoint.read(adapterVersion(full.toString()));
    assertThat(version.header().tokenizer()).isInstanceOf(TokenizerSpec.OfBase.class);
    assertThat(version.tokenizer()).isEqualTo(spec);
  }

  @Test
  void aVersionWhoseBaseIsUnknownAsksForIt() {
    Checkpoint version = Checkpoint.read(adapterVersion(null));

    assertThatThrownBy(version::tokenizer)
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("pass the base");
    assertThat(version.tokenizer(base)).isEqualTo(HfTokenizers.load(base).spec());
  }
}
