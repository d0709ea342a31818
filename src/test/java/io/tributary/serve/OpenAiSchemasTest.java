package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.json.Json;
import org.junit.jupiter.api.Test;

/** The schemas the server's answers are checked against do reject what the reference forbids. */
class OpenAiSchemasTest {
  private static final String GOOD =
      "{\"id\": \"cmpl-1\", \"object\": \"text_completion\", \"created\": 1, \"model\": \"m\","
          + " \"choices\": [{\"index\": 0, \"text\": \"x\", \"logprobs\": null,"
          + " \"finish_reason\": \"%s\"}]%s}";
  private static final String USAGE =
      ", \"usage\": {\"prompt_tokens\": 1, \"completion_tokens\": 1, \"total_tokens\": 2}";

  @Test
  void aValidCompletionPasses() throws Exception {
    OpenAiSchemas.assertConforms(
        Json.mapper().readTree(String.format(GOOD, "stop", USAGE)), "completion");
  }

  @Test
  void anUnknownFinishReasonOrAMissingUsageFails() {
    assertThatThrownBy(
            () ->
                OpenAiSchemas.assertConforms(
                    Json.mapper().readTree(String.format(GOOD, "done", USAGE)), "completion"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                OpenAiSchemas.assertConforms(
                    Json.mapper().readTree(String.format(GOOD, "stop", "")), "completion"))
        .isInstanceOf(AssertionError.class);
  }
}
