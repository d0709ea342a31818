package io.tributary.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.tokenizer.HfTokenizer;
import io.tributary.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code model:} key: a model YAML or {@code {hf: DIR}}, and what each brings along. */
class PolicySourceTest {
  private static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");
  private static final Path SMALL = Path.of("configs/model/small.yaml");

  @TempDir Path dir;

  /** The one key of a tiny config record, so the binding is tested as configs bind it. */
  record Holder(PolicySource model) {}

  private static PolicySource bind(String yaml) {
    return Yaml.read(yaml, Holder.class, "test.yaml").model();
  }

  @Test
  void aPathBindsToAModelYamlAndHfToAHuggingFaceDirectory() {
    assertThat(bind("model: configs/model/small.yaml"))
        .isEqualTo(new PolicySource.ModelYaml(SMALL));
    assertThat(bind("model: {hf: " + QWEN3 + "}")).isEqualTo(new PolicySource.HuggingFace(QWEN3));
  }

  @Test
  void bothFormsAreWrittenBackAsTheyWereGiven() {
    for (PolicySource source :
        new PolicySource[] {
          new PolicySource.ModelYaml(SMALL), new PolicySource.HuggingFace(QWEN3)
        }) {
      String yaml = Yaml.write(new Holder(source));
      assertThat(bind(yaml)).isEqualTo(source);
    }
  }

  @Test
  void dtypeFloat16BesideHfImportsTheModelInHalfPrecisionForInference() {
    PolicySource source = bind("model: {hf: " + QWEN3 + ", dtype: float16}");

    assertThat(source).isEqualTo(new PolicySource.HuggingFace(QWEN3, Precision.FLOAT16));
    assertThat(bind(Yaml.write(new Holder(source)))).isEqualTo(source);
    assertThat(source.precision()).isEqualTo(Precision.FLOAT16);
    try (PolicyModel model = source.importModel().orElseThrow()) {
      assertThat(model.config().dtype()).isEqualTo(Precision.FLOAT16);
    }
  }

  @Test
  void aModelYamlMayGiveTheDtypeBesideHf() throws Exception {
    Path yaml = dir.resolve("qwen3-fp16.yaml");
    Files.writeString(yaml, "hf: " + QWEN3.toAbsolutePath() + "\ndtype: float16\n");

    assertThat(new PolicySource.ModelYaml(yaml).precision()).isEqualTo(Precision.FLOAT16);
  }

  @Test
  void aTrainedPolicyRefusesFloat16NamingTheKey() {
    PolicySource source = bind("model: {hf: " + QWEN3 + ", dtype: float16}");

    assertThatThrownBy(() -> source.requireTrainable("model"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.dtype: got 'float16'")
        .hasMessageContaining("learner trains in float32");
    bind("model: {hf: " + QWEN3 + ", dtype: float32}").requireTrainable("model");
  }

  @Test
  void bfloat16AndUnknownKeysBesideHfAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> bind("model: {hf: " + QWEN3 + ", dtype: bfloat16}"))
        .hasMessageContaining("model.dtype")
        .hasMessageContaining("float32 or float16");
    assertThatThrownBy(() -> bind("model: {hf: " + QWEN3 + ", precision: float16}"))
        .hasMessageContaining("model.precision")
        .hasMessageContaining("dtype: float32|float16");
  }

  @Test
  void anythingElseIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> bind("model: {huggingface: x}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model")
        .hasMessageContaining("{hf: DIR}");
  }

  @Test
  void theProjectsOwnModelHasTheCharacterTokenizerNoTemplateAndNoStopTokensOfItsOwn() {
    PolicySource own = new PolicySource.ModelYaml(SMALL);
    assertThat(own.isImported()).isFalse();
    try (Tokenizer tokenizer = own.tokenizer()) {
      assertThat(tokenizer).isInstanceOf(CharTokenizer.class);
    }
    assertThat(own.chatTemplate()).isEmpty();
    assertThat(own.generationDefaults().eosTokenIds()).isEmpty();
    assertThat(own.importModel()).isEmpty();
  }

  @Test
  void aModelYamlThatSaysHfIsTheDirectoryItNames() throws Exception {
    Path yaml = dir.resolve("qwen3.yaml");
    Files.writeString(yaml, "hf: " + QWEN3.toAbsolutePath() + "\n");
    PolicySource source = new PolicySource.ModelYaml(yaml);
    assertThat(source.resolved()).isEqualTo(new PolicySource.HuggingFace(QWEN3.toAbsolutePath()));
    assertThat(source.isImported()).isTrue();
    assertThat(source.location()).isEqualTo(QWEN3.toAbsolutePath().normalize().toString());
    assertThat(source.architecture().huggingFace()).isNull(); // from config.json alone
    try (Tokenizer tokenizer = source.tokenizer()) {
      assertThat(tokenizer).isInstanceOf(HfTokenizer.class);
    }
  }

  @Test
  void aHuggingFaceDirectoryBringsItsChatTemplateAndGenerationConfig() throws Exception {
    Path model = dir.resolve("qwen3");
    Files.createDirectories(model);
    for (String f : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
      Files.copy(QWEN3.resolve(f), model.resolve(f));
    }
    Files.copy(
        Path.of("src/test/resources/chat-templates/qwen3/tokenizer_config.json"),
        model.resolve("tokenizer_config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(model.resolve("generation_config.json"), "{\"eos_token_id\": [149, 147]}");
    PolicySource source = new PolicySource.HuggingFace(model);
    assertThat(source.chatTemplate()).isPresent();
    assertThat(source.generationDefaults().eosTokenIds()).containsExactly(149, 147);
  }

  @Test
  void aBaseModelWithoutAChatTemplateHasNone() {
    assertThat(new PolicySource.HuggingFace(QWEN3).chatTemplate()).isEmpty();
  }

  @Test
  void aDirectoryWithoutConfigJsonIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> new PolicySource.HuggingFace(dir).architecture())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.hf")
        .hasMessageContaining("config.json");
  }

  @Test
  void aPlainPathIsAHuggingFaceModelWhenItIsADirectory() {
    assertThat(PolicySource.of(QWEN3.toString())).isEqualTo(new PolicySource.HuggingFace(QWEN3));
    assertThat(PolicySource.of(SMALL.toString())).isEqualTo(new PolicySource.ModelYaml(SMALL));
  }
}
