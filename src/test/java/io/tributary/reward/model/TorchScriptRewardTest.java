package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.tributary.model.DeviceChoice;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-reward.pt was made by src/test/resources/reward-models/tiny-torchscript/make_tiny_reward.py
 * with PyTorch 1.13; the expected scores are the ones that script printed for the same inputs.
 */
class TorchScriptRewardTest {
  static final Path DIR = Path.of("src/test/resources/reward-models/tiny-torchscript");
  static final Path DESCRIPTOR = DIR.resolve("tiny-reward.json");

  static final List<String> PROMPTS = List.of("12+7=", "12+7=", "3-1=");
  static final List<String> COMPLETIONS =
      List.of(
          "<think>12+7=19</think><answer>19</answer>",
          "<think>12+7=18</think><answer>18</answer>",
          "2");
  static final float[] SCRIPT_PRINTED = {0.5283054f, 0.4774227f, 0.5267370f};

  @TempDir Path temp;

  @Test
  void scoresFixedInputsAsThePythonScriptPrinted() {
    try (TorchScriptRewardModel model = TorchScriptRewardModel.load(DESCRIPTOR, DeviceChoice.CPU)) {
      float[] scores = model.score(PROMPTS, COMPLETIONS);
      for (int i = 0; i < scores.length; i++) {
        assertThat(scores[i]).as("pair %d", i).isCloseTo(SCRIPT_PRINTED[i], offset(1e-6f));
      }
      float alone = model.score(List.of(PROMPTS.get(2)), List.of(COMPLETIONS.get(2)))[0];
      assertThat(alone).isCloseTo(SCRIPT_PRINTED[2], offset(1e-6f));
    }
  }

  @Test
  void leftPaddingWithTheMaskGivesTheSameScores() throws IOException {
    Path descriptor = copyWith("\"padding\": \"right\"", "\"padding\": \"left\"");
    try (TorchScriptRewardModel model = TorchScriptRewardModel.load(descriptor, DeviceChoice.CPU)) {
      float[] scores = model.score(PROMPTS, COMPLETIONS);
      for (int i = 0; i < scores.length; i++) {
        assertThat(scores[i]).as("pair %d", i).isCloseTo(SCRIPT_PRINTED[i], offset(1e-6f));
      }
    }
  }

  @Test
  void theTorchScriptRewardIsFoundByNameAndScoresAGroup() throws Exception {
    RewardFunction reward =
        RewardRegistry.load()
            .create(
                "torchscript_reward",
                Map.of("path", DESCRIPTOR.toString(), "batchSize", 2, "device", "cpu"));
    try {
      List<Rollout> group =
          List.of(
              Rollout.of(PROMPTS.get(0), COMPLETIONS.get(0), Map.of()),
              Rollout.of(PROMPTS.get(1), COMPLETIONS.get(1), Map.of()),
              Rollout.of(PROMPTS.get(2), COMPLETIONS.get(2), Map.of()));
      List<RewardResult> results = reward.scoreGroup(group);
      for (int i = 0; i < results.size(); i++) {
        assertThat(((RewardResult.Score) results.get(i)).value())
            .isCloseTo(SCRIPT_PRINTED[i], offset(1e-6));
      }
    } finally {
      ((AutoCloseable) reward).close();
    }
  }

  @Test
  void anOutputOfAnotherShapeThanPromisedIsAClearError() throws IOException {
    Path descriptor = copyWith("\"(B,1)\"", "\"(B)\"");
    try (TorchScriptRewardModel model = TorchScriptRewardModel.load(descriptor, DeviceChoice.CPU)) {
      assertThatThrownBy(() -> model.score(PROMPTS, COMPLETIONS))
          .hasMessageContainingAll("tiny-reward.json", "output", "(3, 1)", "(3)");
    }
  }

  /** A copy of the descriptor and model in a temporary folder, with one text replaced. */
  private Path copyWith(String from, String to) throws IOException {
    Files.copy(DIR.resolve("tiny-reward.pt"), temp.resolve("tiny-reward.pt"));
    String text = Files.readString(DESCRIPTOR);
    assertThat(text).contains(from);
    Path file = temp.resolve("tiny-reward.json");
    Files.writeString(file, text.replace(from, to));
    return file;
  }
}
