package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationDefaultsTest {
  @TempDir Path dir;

  private static final SamplingParams BASE =
      new SamplingParams(1.0, 1.0, 0, 64, new int[] {2}, 0, new int[] {0, 1}, true);

  private GenerationDefaults read(String json) throws Exception {
    Files.writeString(dir.resolve("generation_config.json"), json);
    return GenerationDefaults.read(dir);
  }

  @Test
  void qwen3sListOfEosIdsAndRecommendedSamplingAreRead() throws Exception {
    GenerationDefaults d =
        read(
            """
            {"bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
             "pad_token_id": 151643, "temperature": 0.6, "top_k": 20, "top_p": 0.95,
             "transformers_version": "4.51.0"}
            """);

    assertThat(d.eosTokenIds()).containsExactly(151645, 151643);
    assertThat(d.temperature()).hasValue(0.6);
    assertThat(d.topP()).hasValue(0.95);
    assertThat(d.topK()).hasValue(20);
  }

  @Test
  void aSingleEosIdIsAListOfOne() throws Exception {
    assertThat(read("{\"eos_token_id\": 1}").eosTokenIds()).containsExactly(1);
  }

  @Test
  void keysTheFileDoesNotSetAreAbsentAndLeaveTheCallersValues() throws Exception {
    GenerationDefaults d = read("{\"eos_token_id\": 7}");

    assertThat(d.temperature()).isEmpty();
    assertThat(d.topP()).isEmpty();
    assertThat(d.topK()).isEmpty();
    SamplingParams applied = d.applyTo(BASE);
    assertThat(applied.temperature()).isEqualTo(1.0);
    assertThat(applied.topK()).isZero();
    assertThat(applied.stopTokens()).containsExactly(2, 7);
  }

  @Test
  void appliedDefaultsSetSamplingAndAddStopTokensToTheTokenizersEos() throws Exception {
    SamplingParams applied =
        read("{\"eos_token_id\": [2, 9], \"temperature\": 0.7, \"top_p\": 0.8, \"top_k\": 40}")
            .applyTo(BASE);

    assertThat(applied.temperature()).isEqualTo(0.7);
    assertThat(applied.topP()).isEqualTo(0.8);
    assertThat(applied.topK()).isEqualTo(40);
    assertThat(applied.stopTokens()).containsExactly(2, 9);
    assertThat(applied.maxNewTokens()).isEqualTo(64);
  }

  @Test
  void doSampleFalseMeansGreedy() throws Exception {
    assertThat(read("{\"do_sample\": false, \"temperature\": 0.6}").temperature()).hasValue(0.0);
  }

  @Test
  void aDirectoryWithoutTheFileHasNoDefaults() {
    assertThat(GenerationDefaults.read(dir)).isEqualTo(GenerationDefaults.none());
  }

  @Test
  void badValuesAreErrorsNamingTheFileAndKey() {
    assertThatThrownBy(() -> read("{\"eos_token_id\": \"</s>\"}"))
        .hasMessageContaining("generation_config.json")
        .hasMessageContaining("eos_token_id");
    assertThatThrownBy(() -> read("{\"top_p\": 1.5}")).hasMessageContaining("top_p");
    assertThatThrownBy(() -> read("{\"top_k\": 2.5}")).hasMessageContaining("top_k");
    assertThatThrownBy(() -> read("{\"temperature\": \"hot\"}"))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> read("[1, 2]")).hasMessageContaining("JSON object");
  }
}
