package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.PromptMessage;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchKeysTest {

  /** Ids whose digits move together, as a JSONL file's prompt ids and line numbers do. */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {2, 3, 4})
  void promptsFromOneFileSpreadEvenlyOverTheMicroBatchingSubtasks(int parallelism) {
    BatchKeys keys = BatchKeys.of(parallelism, RolloutJob.MAX_PARALLELISM);
    int prompts = 1000;
    int[] perSubtask = new int[parallelism];
    for (int i = 0; i < prompts; i++) {
      InputOrigin origin = InputOrigin.fileLine("prompts.jsonl", i + 1);
      PromptMessage prompt = new PromptMessage("b" + i, i + "*3=", "arithmetic", "", Map.of(), 0);
      ValidPrompt valid =
          new ValidPrompt(origin, prompt, new int[] {1}, origin.groupId(prompt.promptId()));
      int key = keys.getKey(valid);
      perSubtask[
          KeyGroupRangeAssignment.assignKeyToParallelOperator(
              key, RolloutJob.MAX_PARALLELISM, parallelism)]++;
    }
    double fair = (double) prompts / parallelism;
    for (int count : perSubtask) {
      assertThat(count)
          .as("prompts per subtask")
          .isBetween((int) (0.85 * fair), (int) (1.15 * fair));
    }
  }
}
