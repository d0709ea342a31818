package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.model.DeviceChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken reward model folder is rejected with an error naming the file and the key. */
class MalformedRewardModelTest {
  @TempDir Path dir;

  @BeforeEach
  void saveAGoodModel() {
    try (RewardModel model =
        RewardModel.create(
            TinyRewardModels.config(), new io.tributary.tokenizer.CharTokenizer(), 1)) {
      model.save(dir, Map.of());
    }
  }

  /** A change that breaks the folder, and the words the error must contain. */
  interface Breakage {
    void apply(Path dir) throws IOException;
  }

  static Stream<Arguments> cases() {
    String good = "{\"format\":1,\"checkpoint\":\"model.ckpt\",\"scoreToken\":2,\"maxLength\":64}";
    return Stream.of(
        // no descriptor at all: not a reward model folder
        Arguments.of(
            "descriptor missing",
            (Breakage) d -> Files.delete(d.resolve("reward-model.json")),
            new String[] {"reward-model.json", "no such file"}),
        // not JSON
        Arguments.of(
            "descriptor not JSON",
            (Breakage) d -> Files.writeString(d.resolve("reward-model.json"), "{format: 1,"),
            new String[] {"reward-model.json", "not valid JSON"}),
        // a misspelt key is an error, not ignored
        Arguments.of(
            "unknown key",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"), good.replace("maxLength", "maxLen")),
            new String[] {"reward-model.json", "maxLen"}),
        // a key the model cannot live without
        Arguments.of(
            "checkpoint key missing",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"),
                        good.replace("\"checkpoint\":\"model.ckpt\",", "")),
            new String[] {"reward-model.json", "checkpoint"}),
        // a newer format this code cannot read
        Arguments.of(
            "unknown format",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"),
                        good.replace("\"format\":1", "\"format\":9")),
            new String[] {"reward-model.json", "format", "9"}),
        // a score row outside the vocabulary
        Arguments.of(
            "score token outside the vocabulary",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"), good.replace(":2,", ":5000,")),
            new String[] {"reward-model.json", "scoreToken", "5000"}),
        // rows longer than the model's context
        Arguments.of(
            "maxLength beyond the context",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"), good.replace(":64}", ":999}")),
            new String[] {"reward-model.json", "maxLength", "999"}),
        // a wrong type for a key
        Arguments.of(
            "maxLength not a number",
            (Breakage)
                d ->
                    Files.writeString(
                        d.resolve("reward-model.json"), good.replace(":64}", ":\"long\"}")),
            new String[] {"reward-model.json", "maxLength"}),
        // the checkpoint the descriptor names is not there
        Arguments.of(
            "checkpoint missing",
            (Breakage) d -> Files.delete(d.resolve("model.ckpt")),
            new String[] {"model.ckpt", "no such checkpoint"}),
        // a checkpoint cut short
        Arguments.of(
            "checkpoint truncated",
            (Breakage)
                d -> {
                  byte[] bytes = Files.readAllBytes(d.resolve("model.ckpt"));
                  Files.write(
                      d.resolve("model.ckpt"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
                },
            new String[] {"model.ckpt", "truncated"}),
        // something else entirely
        Arguments.of(
            "checkpoint of garbage",
            (Breakage) d -> Files.writeString(d.resolve("model.ckpt"), "hello, not weights"),
            new String[] {"model.ckpt", "not a Tributary checkpoint"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRejectedNamingTheFileAndKey(String name, Breakage breakage, String[] words)
      throws IOException {
    breakage.apply(dir);
    assertThatThrownBy(() -> RewardModel.load(dir, DeviceChoice.CPU))
        .hasMessageContainingAll(words);
  }
}
