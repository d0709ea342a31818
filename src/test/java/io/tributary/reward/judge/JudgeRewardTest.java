package io.tributary.reward.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import io.tributary.reward.Rollout;
import io.tributary.reward.RolloutScores;
import io.tributary.reward.judge.ChatServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The judge against a real HTTP server that answers like the OpenAI chat-completions API. */
class JudgeRewardTest {
  private static final String SECRET = "sk-test-do-not-leak-1234";
  private static final UnaryOperator<String> ENVIRONMENT =
      name -> name.equals("JUDGE_KEY") ? SECRET : null;

  private static final Rollout CORRECT =
      Rollout.of("What is 6 * 7?", "<answer>42</answer>", Map.of("answer", "42"));
  private static final Rollout WRONG =
      Rollout.of("What is 6 * 7?", "<answer>41</answer>", Map.of("answer", "42"));

  private static JudgeReward judge(ChatServer server, Map<String, Object> extra) {
    return judge(server.baseUrl(), extra);
  }

  private static JudgeReward judge(String baseUrl, Map<String, Object> extra) {
    Map<String, Object> params = new HashMap<>();
    params.put("baseUrl", baseUrl);
    params.put("model", "judge-model");
    params.put("backoffMs", 10);
    params.put("requestTimeoutMs", 2000);
    params.putAll(extra);
    return JudgeReward.create(JudgeConfig.from(new RewardParams(params)), ENVIRONMENT);
  }

  @Test
  void yesScoresOneAndNoScoresZero() throws IOException {
    try (ChatServer server =
        new ChatServer(
            (i, request) ->
                Reply.says(request.userPrompt().contains(">42<") ? "Yes." : "The answer: no"))) {
      JudgeReward judge = judge(server, Map.of());

      assertThat(judge.score(CORRECT)).isEqualTo(RewardResult.score(1.0));
      assertThat(judge.score(WRONG)).isEqualTo(RewardResult.score(0.0));
    }
  }

  @Test
  void numericVerdictsAreScoresInZeroToOne() throws IOException {
    try (ChatServer unit = ChatServer.alwaysSaying("Score: 0.75");
        ChatServer tenths = ChatServer.alwaysSaying("I would give it 7")) {
      assertThat(judge(unit, Map.of("verdict", "score")).score(CORRECT))
          .isEqualTo(RewardResult.score(0.75));
      assertThat(judge(tenths, Map.of("verdict", "score_10")).score(CORRECT))
          .isEqualTo(RewardResult.score(0.7));
    }
  }

  @Test
  void sendsTheFilledTemplateAsAChatCompletionsRequest() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("yes")) {
      judge(
              server,
              Map.of(
                  "template", "Q={question} G={gold} C={completion} {not a slot}",
                  "system", "You are a strict grader.",
                  "maxTokens", 8))
          .score(CORRECT);

      var body = server.requests().get(0).body();
      assertThat(body.get("model").asText()).isEqualTo("judge-model");
      assertThat(body.get("temperature").asDouble()).isEqualTo(0.0);
      assertThat(body.get("max_tokens").asInt()).isEqualTo(8);
      assertThat(body.get("stream").asBoolean()).isFalse();
      assertThat(body.get("messages")).hasSize(2);
      assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
      assertThat(body.get("messages").get(0).get("content").asText())
          .isEqualTo("You are a strict grader.");
      assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("user");
      assertThat(server.requests().get(0).userPrompt())
          .isEqualTo("Q=What is 6 * 7? G=42 C=<answer>42</answer> {not a slot}");
    }
  }

  @Test
  void theDefaultPromptCarriesQuestionGoldAndCompletionAndAsksForTheVerdict() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("yes")) {
      judge(server, Map.of()).score(CORRECT);

      var body = server.requests().get(0).body();
      assertThat(body.has("max_tokens")).as("server default unless set").isFalse();
      assertThat(body.get("messages")).hasSize(1);
      assertThat(server.requests().get(0).userPrompt())
          .contains("What is 6 * 7?", "42", "<answer>42</answer>")
          .endsWith(VerdictFormat.YES_NO.instruction());
    }
  }

  @Test
  void sendsTheApiKeyFromTheNamedEnvironmentVariableAndNeverShowsIt() throws IOException {
    try (ChatServer server =
        new ChatServer(
            (i, r) ->
                r.userPrompt().contains(">41<")
                    ? Reply.raw(401, "{\"error\":\"Incorrect API key provided: " + SECRET + "\"}")
                    : Reply.says("yes"))) {
      JudgeReward withKey = judge(server, Map.of("apiKeyEnv", "JUDGE_KEY"));
      withKey.score(CORRECT);
      judge(server, Map.of()).score(CORRECT);

      assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer " + SECRET);
      assertThat(server.requests().get(1).authorization()).isNull();
      assertThat(withKey.toString()).doesNotContain(SECRET).contains("judge-model");
      assertThatThrownBy(() -> withKey.score(WRONG))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("***")
          .hasMessageNotContaining(SECRET);
    }
  }

  @Test
  void anUnsetApiKeyVariableIsAConfigErrorNamingTheVariable() {
    assertThatThrownBy(
            () -> judge("http://127.0.0.1:9/v1", Map.of("apiKeyEnv", "NO_SUCH_VARIABLE_SET")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.apiKeyEnv")
        .hasMessageContaining("NO_SUCH_VARIABLE_SET");
  }

  @Test
  void anIdenticalRequestIsAnsweredFromTheCache() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("yes")) {
      JudgeReward judge = judge(server, Map.of());

      judge.score(CORRECT);
      judge.score(CORRECT);
      judge.score(WRONG);

      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void theCacheIsBounded() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("yes")) {
      JudgeReward judge = judge(server, Map.of("cacheSize", 1));

      judge.score(CORRECT);
      judge.score(WRONG); // evicts CORRECT
      judge.score(CORRECT);

      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void retriesServerErrorsAndRateLimitsThenSucceeds() throws IOException {
    try (ChatServer server =
        new ChatServer(
            (i, r) ->
                switch (i) {
                  case 0 -> Reply.status(503);
                  case 1 -> Reply.status(429);
                  default -> Reply.says("yes");
                })) {
      assertThat(judge(server, Map.of("retries", 2)).score(CORRECT))
          .isEqualTo(RewardResult.score(1.0));
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void aServerThatAlwaysFailsIsAnErrorAfterTheRetries() throws IOException {
    try (ChatServer server = new ChatServer((i, r) -> Reply.status(500))) {
      assertThatThrownBy(() -> judge(server, Map.of("retries", 2)).score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("HTTP 500")
          .hasMessageContaining("3 attempts");
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void aClientErrorIsNotRetried() throws IOException {
    try (ChatServer server =
        new ChatServer((i, r) -> Reply.raw(400, "{\"error\":\"unknown model\"}"))) {
      assertThatThrownBy(() -> judge(server, Map.of("retries", 3)).score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("HTTP 400")
          .hasMessageContaining("unknown model");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void aRefusedConnectionIsAnErrorThatSaysSo() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again below: nothing listens there
    }
    assertThatThrownBy(
            () -> judge("http://127.0.0.1:" + port + "/v1", Map.of("retries", 1)).score(CORRECT))
        .isInstanceOf(JudgeException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("connection failed")
        .hasMessageContaining("2 attempts");
  }

  @Test
  void aSlowAnswerIsATimeout() throws IOException {
    try (ChatServer server = new ChatServer((i, r) -> Reply.says("yes").after(1500))) {
      assertThatThrownBy(
              () -> judge(server, Map.of("requestTimeoutMs", 150, "retries", 0)).score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("no answer within 150 ms");
    }
  }

  @Test
  void anUnreadableVerdictIsAnErrorAndIsNotCached() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("It depends on the convention.")) {
      JudgeReward judge = judge(server, Map.of());

      assertThatThrownBy(() -> judge.score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("unreadable verdict")
          .hasMessageContaining("It depends on the convention.");
      assertThatThrownBy(() -> judge.score(CORRECT)).isInstanceOf(JudgeException.class);
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void aScoreOutsideItsScaleIsUnreadable() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("8")) {
      assertThatThrownBy(() -> judge(server, Map.of("verdict", "score")).score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("unreadable verdict");
    }
  }

  @Test
  void aReplyThatIsNotAChatCompletionIsAnError() throws IOException {
    try (ChatServer server = new ChatServer((i, r) -> Reply.raw(200, "<html>proxy</html>"))) {
      assertThatThrownBy(() -> judge(server, Map.of()).score(CORRECT))
          .isInstanceOf(JudgeException.class)
          .hasMessageContaining("not JSON");
    }
  }

  @Test
  void neverHasMoreRequestsInFlightThanItsLimit() throws Exception {
    try (ChatServer server = new ChatServer((i, r) -> Reply.says("yes").after(100))) {
      JudgeReward judge = judge(server, Map.of("maxConcurrency", 2));
      ExecutorService callers = Executors.newFixedThreadPool(8);
      try {
        List<Future<RewardResult>> results = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
          Rollout distinct = Rollout.of("q" + k, "<answer>42</answer>", Map.of("answer", "42"));
          results.add(callers.submit(() -> judge.score(distinct)));
        }
        for (Future<RewardResult> result : results) {
          assertThat(result.get()).isEqualTo(RewardResult.score(1.0));
        }
      } finally {
        callers.shutdownNow();
      }
      assertThat(server.requests()).hasSize(8);
      assertThat(server.maxInFlight()).isEqualTo(2);
    }
  }

  @Test
  void isNotApplicableWithoutTheGoldAnswerItsPromptNeeds() throws IOException {
    try (ChatServer server = ChatServer.alwaysSaying("yes")) {
      RewardResult result = judge(server, Map.of()).score(Rollout.of("q", "42", Map.of()));

      assertThat(result).isInstanceOf(RewardResult.NotApplicable.class);
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void inTheScorerAFailingJudgeIsAnErrorWithItsReasonNotACrash() throws IOException {
    try (ChatServer server = new ChatServer((i, r) -> Reply.status(500))) {
      RewardsConfig config =
          RewardsConfig.parse(
              """
              rewards:
                - name: judge
                  timeoutMs: 5000
                  params: {baseUrl: '%s', model: m, retries: 1, backoffMs: 10}
              """
                  .formatted(server.baseUrl()),
              "judge.yaml");
      try (RewardScorer scorer = RewardScorer.fromConfig(config)) {
        RolloutScores scores = scorer.score(CORRECT);

        assertThat(scores.errors().get("judge")).contains("JudgeException", "HTTP 500");
        assertThat(scores.scores().get("judge")).isNull();
      }
    }
  }

  @Test
  void isFoundByNameAndRejectsUnknownOrMissingParams() {
    assertThat(RewardRegistry.load().names()).contains("judge");
    assertThatThrownBy(() -> RewardRegistry.load().create("judge", Map.of("model", "m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.baseUrl");
    assertThatThrownBy(
            () ->
                RewardRegistry.load()
                    .create(
                        "judge",
                        Map.of("baseUrl", "http://localhost/v1", "model", "m", "apiKey", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'apiKey'");
    assertThatThrownBy(
            () ->
                RewardRegistry.load()
                    .create("judge", Map.of("baseUrl", "ftp://host/v1", "model", "m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http://");
  }
}
