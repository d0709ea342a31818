package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.model.DeviceChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A bad descriptor or model file is rejected with an error naming the file and the key. */
class MalformedTorchScriptDescriptorTest {
  @TempDir Path dir;

  static Stream<Arguments> cases() {
    String good =
        "{\"model\": \"tiny-reward.pt\", \"tokenizer\": {\"type\": \"characters\"},"
            + " \"maxLength\": 64, \"output\": \"(B,1)\"}";
    return Stream.of(
        // the minimal descriptor loads: the other cases each break one thing of it
        Arguments.of("not JSON", "{\"model\": ", "tiny-reward.json", "not valid JSON"),
        Arguments.of(
            "unknown key", good.replace("maxLength", "maxLen"), "tiny-reward.json", "maxLen"),
        Arguments.of(
            "model missing",
            good.replace("\"model\": \"tiny-reward.pt\",", ""),
            "tiny-reward.json",
            "model"),
        Arguments.of(
            "model file absent",
            good.replace("tiny-reward.pt", "nowhere.pt"),
            "tiny-reward.json",
            "nowhere.pt"),
        Arguments.of(
            "tokenizer missing",
            good.replace("\"tokenizer\": {\"type\": \"characters\"},", ""),
            "tiny-reward.json",
            "tokenizer"),
        Arguments.of(
            "unknown tokenizer type",
            good.replace("characters", "bytes"),
            "tiny-reward.json",
            "bytes"),
        Arguments.of(
            "tokenizer.json absent",
            good.replace(
                "{\"type\": \"characters\"}",
                "{\"type\": \"huggingface\", \"path\": \"tok.json\", \"bosToken\": \"<s>\","
                    + " \"eosToken\": \"</s>\"}"),
            "tiny-reward.json",
            "tokenizer.path"),
        Arguments.of(
            "maxLength missing",
            good.replace("\"maxLength\": 64,", ""),
            "tiny-reward.json",
            "maxLength"),
        Arguments.of(
            "maxLength too small", good.replace("64", "1"), "tiny-reward.json", "maxLength"),
        Arguments.of("output unknown", good.replace("(B,1)", "(B,2)"), "tiny-reward.json", "(B,2)"),
        Arguments.of(
            "padding unknown",
            good.replace("\"output\"", "\"padding\": \"middle\", \"output\""),
            "tiny-reward.json",
            "padding"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRejectedNamingTheFileAndKey(String name, String json, String file, String key)
      throws IOException {
    Files.copy(TorchScriptRewardTest.DIR.resolve("tiny-reward.pt"), dir.resolve("tiny-reward.pt"));
    Path descriptor = dir.resolve("tiny-reward.json");
    Files.writeString(descriptor, json);
    assertThatThrownBy(() -> TorchScriptRewardModel.load(descriptor, DeviceChoice.CPU))
        .hasMessageContainingAll(file, key);
  }

  @org.junit.jupiter.api.Test
  void aModelFileThatIsNotTorchScriptNamesTheFile() throws IOException {
    Files.writeString(dir.resolve("tiny-reward.pt"), "not a zip archive");
    Path descriptor = dir.resolve("tiny-reward.json");
    Files.copy(TorchScriptRewardTest.DESCRIPTOR, descriptor);
    assertThatThrownBy(() -> TorchScriptRewardModel.load(descriptor, DeviceChoice.CPU))
        .hasMessageContainingAll("tiny-reward.pt", "not a TorchScript model");
  }
}
