package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.config.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An imported model's generation_config.json fills the sampling keys a run config leaves out. */
class ModelSamplingDefaultsTest {
  static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");

  @TempDir Path dir;

  /** The Qwen3 fixture with Qwen3's own sampling defaults, as its published model ships them. */
  private Path modelWithSamplingDefaults() throws IOException {
    Path model = dir.resolve("qwen3");
    Files.createDirectories(model);
    try (Stream<Path> files = Files.list(QWEN3)) {
      for (Path f : files.toList()) {
        Files.copy(f, model.resolve(f.getFileName()));
      }
    }
    Files.writeString(
        model.resolve("generation_config.json"),
        """
        {"eos_token_id": 147, "pad_token_id": 147, "do_sample": true,
         "temperature": 0.6, "top_p": 0.95, "top_k": 20}
        """);
    return model;
  }

  private static String config(Path model, String sampling) {
    return """
        model: {hf: %s}
        sftSteps: 0
        rewards:
          rewards: [{name: accuracy, weight: 1.0}]
        grpo:
          sampling: %s
          promptsPerStep: 2
        """
        .formatted(model, sampling);
  }

  @Test
  void keysTheRunLeavesOutComeFromTheModelsGenerationConfig() throws IOException {
    RunConfig run =
        RunConfig.parse(config(modelWithSamplingDefaults(), "{groupSize: 4}"), "run.yaml");

    assertThat(run.grpo().sampling().temperature()).isEqualTo(0.6);
    assertThat(run.grpo().sampling().topP()).isEqualTo(0.95);
    assertThat(run.grpo().sampling().topK()).isEqualTo(20);
    assertThat(run.grpo().sampling().groupSize()).isEqualTo(4);
  }

  @Test
  void aKeyTheRunSetsWinsOverTheModels() throws IOException {
    RunConfig run =
        RunConfig.parse(
            config(modelWithSamplingDefaults(), "{groupSize: 4, temperature: 1.0, topK: 0}"),
            "run.yaml");

    assertThat(run.grpo().sampling().temperature()).isEqualTo(1.0);
    assertThat(run.grpo().sampling().topK()).isZero();
    assertThat(run.grpo().sampling().topP()).as("not set by the run: the model's").isEqualTo(0.95);
  }

  @Test
  void theSavedConfigHoldsTheValuesSoAResumeSamplesAlike() throws IOException {
    RunConfig run =
        RunConfig.parse(config(modelWithSamplingDefaults(), "{groupSize: 4}"), "run.yaml");

    RunConfig saved = RunConfig.parse(Yaml.write(run), "saved config.yaml");

    assertThat(saved.grpo().sampling()).isEqualTo(run.grpo().sampling());
  }

  @Test
  void aModelWithoutSamplingDefaultsLeavesTheSpecsOwnDefaults() throws IOException {
    RunConfig run = RunConfig.parse(config(QWEN3.toAbsolutePath(), "{groupSize: 4}"), "run.yaml");

    assertThat(run.grpo().sampling().temperature()).isEqualTo(1.0);
    assertThat(run.grpo().sampling().topK()).isZero();
  }
}
