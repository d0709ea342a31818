package io.tributary.reward.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.serve.OpenAiServer;
import io.tributary.serve.ServedModel;
import io.tributary.serve.ServerConfig;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge against Tributary's own OpenAI-compatible server (`./tributary serve`) rather than a
 * test double: the request the judge sends is one the real server accepts, and what the server
 * answers reaches the verdict parser. A tiny random policy writes no meaningful verdict, so the
 * outcome is a score in [0, 1] or an error about the verdict, never one about the exchange.
 */
class JudgeAgainstServeTest {
  private static final UnaryOperator<String> NO_ENVIRONMENT = name -> null;

  @Test
  void theJudgesRequestIsServedAndItsAnswerReachesTheVerdictParser(@TempDir Path dir)
      throws Exception {
    Path checkpoint = dir.resolve("judge.ckpt");
    CharTokenizer tokenizer = new CharTokenizer();
    try (PolicyModel model = PolicyModel.create(TinyModels.forCharTokenizer(), 11)) {
      Checkpoint.save(checkpoint, model, tokenizer.spec(), 1, 1, Map.of());
    }
    try (ServedModel served = ServedModel.fromCheckpoint(checkpoint, "tiny-judge", null);
        OpenAiServer server = OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 8, 2))) {
      // the tiny policy's context is 48 characters of its own alphabet: a short template
      JudgeReward judge =
          JudgeReward.create(
              JudgeConfig.from(
                  new RewardParams(
                      Map.of(
                          "baseUrl",
                          server.baseUri().toString(),
                          "model",
                          "tiny-judge",
                          "verdict",
                          "score_10",
                          "template",
                          "{gold}={completion}?",
                          "maxTokens",
                          4,
                          "retries",
                          0,
                          "requestTimeoutMs",
                          20_000))),
              NO_ENVIRONMENT);
      Rollout rollout = Rollout.of("6*7", "42", Map.of("answer", "42"));

      Throwable failure = null;
      RewardResult result = null;
      try {
        result = judge.score(rollout);
      } catch (JudgeException e) {
        failure = e;
      }

      assertThat(server.batches()).as("the server sampled the judge's request").isPositive();
      if (failure != null) {
        assertThat(failure).hasMessageContaining("verdict");
      } else {
        assertThat(result).isInstanceOf(RewardResult.Score.class);
        assertThat(((RewardResult.Score) result).value()).isBetween(0.0, 1.0);
      }
      // the same request again comes from the cache when it was readable, else fails the same way
      Throwable again = catchThrowable(() -> judge.score(rollout));
      assertThat(again == null).isEqualTo(failure == null);
    }
    Files.deleteIfExists(checkpoint);
  }
}
