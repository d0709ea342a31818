package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.model.TinyModels;
import io.tributary.tokenizer.CharTokenizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server as OpenAI clients see it, over real HTTP (the JDK's client and curl), serving a tiny
 * random policy saved to a checkpoint the way runs save them. Shapes follow the OpenAI API
 * reference for completions, chat completions, their stream chunks, the model list and errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiServerTest {
  private static final String PROMPT = "12+7=";

  private Path dir;
  private final HttpClient client = HttpClient.newHttpClient();
  private final CharTokenizer tokenizer = new CharTokenizer();
  private Path checkpoint;
  private ServedModel served;
  private OpenAiServer server;

  @BeforeAll
  void startServer() throws IOException {
    dir = Files.createTempDirectory("serve-test");
    checkpoint = dir.resolve("tiny-policy.ckpt");
    try (PolicyModel model = PolicyModel.create(TinyModels.forCharTokenizer(), 5)) {
      Checkpoint.save(checkpoint, model, tokenizer.spec(), 1, 1, Map.of());
    }
    served = ServedModel.fromCheckpoint(checkpoint, null, null);
    server = OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 32, 2));
  }

  @AfterAll
  void stopServer() throws IOException {
    server.close();
    served.close();
    Files.deleteIfExists(checkpoint);
    Files.deleteIfExists(dir);
  }

  private String url(String path) {
    return server.baseUri() + path;
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode postOk(String path, String json) throws Exception {
    HttpResponse<String> response = post(path, json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = Json.mapper().readTree(response.body());
    OpenAiSchemas.assertConforms(body, path.contains("chat") ? "chat.completion" : "completion");
    return body;
  }

  private static String completion(String extra) {
    return "{\"model\": \"tiny-policy\", \"prompt\": \"" + PROMPT + "\"" + extra + "}";
  }

  private static String chat(String extra) {
    return "{\"model\": \"tiny-policy\", \"messages\": ["
        + "{\"role\": \"system\", \"content\": \"Add.\"},"
        + "{\"role\": \"user\", \"content\": \""
        + PROMPT
        + "\"}]"
        + extra
        + "}";
  }

  /** What the sampler itself draws greedily for the same prompt: the served text must match. */
  private String greedyDirect(String prompt, int maxTokens) {
    try (PolicyModel model = Checkpoint.read(checkpoint).toModel(null)) {
      SamplingParams params =
          new SamplingParams(
              0,
              1,
              0,
              maxTokens,
              new int[] {tokenizer.eos()},
              tokenizer.vocabSize(),
              new int[] {tokenizer.pad(), tokenizer.bos()},
              true);
      Completion c =
          Sampler.generate(model, List.of(tokenizer.encodePrompt(prompt)), params, new long[1])
              .get(0);
      return tokenizer.decode(c.tokens());
    }
  }

  private static void assertUsage(JsonNode body) {
    JsonNode usage = body.get("usage");
    assertThat(usage.get("prompt_tokens").isInt()).isTrue();
    assertThat(usage.get("completion_tokens").isInt()).isTrue();
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
  }

  @Test
  void theModelListNamesTheServedModel() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url("/models"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    OpenAiSchemas.assertConforms(body, "model.list");
    assertThat(body.get("object").asText()).isEqualTo("list");
    JsonNode model = body.get("data").get(0);
    assertThat(model.get("id").asText()).isEqualTo("tiny-policy");
    assertThat(model.get("object").asText()).isEqualTo("model");
    assertThat(model.get("created").isNumber()).isTrue();
    assertThat(model.get("owned_by").asText()).isNotEmpty();
  }

  @Test
  void aCompletionHasTheReferenceShapeAndTheSamplersGreedyText() throws Exception {
    JsonNode body = postOk("/completions", completion(", \"max_tokens\": 8, \"temperature\": 0"));

    assertThat(body.get("id").asText()).startsWith("cmpl-");
    assertThat(body.get("object").asText()).isEqualTo("text_completion");
    assertThat(body.get("created").isNumber()).isTrue();
    assertThat(body.get("model").asText()).isEqualTo("tiny-policy");
    JsonNode choice = body.get("choices").get(0);
    assertThat(body.get("choices")).hasSize(1);
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("text").asText()).isEqualTo(greedyDirect(PROMPT, 8));
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
    assertUsage(body);
    assertThat(body.get("usage").get("prompt_tokens").asInt())
        .isEqualTo(tokenizer.encodePrompt(PROMPT).length);
  }

  @Test
  void aChatCompletionHasTheReferenceShape() throws Exception {
    JsonNode body = postOk("/chat/completions", chat(", \"max_tokens\": 6, \"temperature\": 0"));

    assertThat(body.get("id").asText()).startsWith("chatcmpl-");
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    // without a chat template the messages' contents are joined by newlines
    assertThat(choice.get("message").get("content").asText())
        .isEqualTo(greedyDirect("Add.\n" + PROMPT, 6));
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
    assertUsage(body);
    assertThat(body.get("usage").get("prompt_tokens").asInt())
        .isEqualTo(tokenizer.encodePrompt("Add.\n" + PROMPT).length);
  }

  @Test
  void maxTokensCapsTheCompletionWithFinishReasonLength() throws Exception {
    JsonNode body = postOk("/completions", completion(", \"max_tokens\": 3, \"seed\": 1"));

    JsonNode choice = body.get("choices").get(0);
    int used = body.get("usage").get("completion_tokens").asInt();
    assertThat(used).isBetween(1, 3);
    if (choice.get("finish_reason").asText().equals("length")) {
      assertThat(used).isEqualTo(3);
    }
  }

  @Test
  void nChoicesAreIndexedAndASeedReproducesThem() throws Exception {
    String request = completion(", \"max_tokens\": 10, \"n\": 3, \"seed\": 42");

    JsonNode a = postOk("/completions", request);
    JsonNode b = postOk("/completions", request);
    JsonNode other =
        postOk("/completions", completion(", \"max_tokens\": 10, \"n\": 3, \"seed\": 7"));

    assertThat(a.get("choices")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(a.get("choices").get(i).get("index").asInt()).isEqualTo(i);
      assertThat(b.get("choices").get(i).get("text"))
          .isEqualTo(a.get("choices").get(i).get("text"));
    }
    assertThat(texts(other)).isNotEqualTo(texts(a));
    assertThat(a.get("usage").get("prompt_tokens").asInt())
        .isEqualTo(tokenizer.encodePrompt(PROMPT).length);
  }

  private static List<String> texts(JsonNode body) {
    List<String> texts = new ArrayList<>();
    body.get("choices").forEach(c -> texts.add(c.get("text").asText()));
    return texts;
  }

  @Test
  void aStopStringEndsTheTextBeforeIt() throws Exception {
    String greedy = greedyDirect(PROMPT, 16);
    assumeTrue(greedy.length() >= 6, "the greedy text is long enough to cut");
    String stop = greedy.substring(3, 5);
    String expected = greedy.substring(0, greedy.indexOf(stop));

    JsonNode body =
        postOk(
            "/completions",
            completion(
                ", \"max_tokens\": 16, \"temperature\": 0, \"stop\": ["
                    + Json.write(stop)
                    + ", \"never-there\"]"));

    assertThat(body.get("choices").get(0).get("text").asText()).isEqualTo(expected);
    assertThat(body.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void completionLogprobsListEachTokenWithItsTopAlternatives() throws Exception {
    JsonNode body =
        postOk(
            "/completions", completion(", \"max_tokens\": 5, \"temperature\": 0, \"logprobs\": 2"));

    JsonNode choice = body.get("choices").get(0);
    JsonNode logprobs = choice.get("logprobs");
    int n = logprobs.get("tokens").size();
    assertThat(n).isPositive();
    assertThat(logprobs.get("token_logprobs")).hasSize(n);
    assertThat(logprobs.get("top_logprobs")).hasSize(n);
    assertThat(logprobs.get("text_offset")).hasSize(n);
    assertThat(String.join("", tokensOf(logprobs))).isEqualTo(choice.get("text").asText());
    for (int i = 0; i < n; i++) {
      double drawn = logprobs.get("token_logprobs").get(i).asDouble();
      JsonNode top = logprobs.get("top_logprobs").get(i);
      assertThat(top.size()).isEqualTo(2);
      assertThat(drawn).isLessThanOrEqualTo(0);
      // greedy: the drawn token is the most likely one
      double best = Math.max(top.elements().next().asDouble(), drawn);
      top.elements().forEachRemaining(v -> assertThat(v.asDouble()).isLessThanOrEqualTo(best));
      assertThat(drawn).isEqualTo(best, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  private static List<String> tokensOf(JsonNode logprobs) {
    List<String> tokens = new ArrayList<>();
    logprobs.get("tokens").forEach(t -> tokens.add(t.asText()));
    return tokens;
  }

  @Test
  void chatLogprobsFollowTheChatShape() throws Exception {
    JsonNode body =
        postOk(
            "/chat/completions",
            chat(", \"max_tokens\": 4, \"logprobs\": true, \"top_logprobs\": 3, \"seed\": 3"));

    JsonNode content = body.get("choices").get(0).get("logprobs").get("content");
    assertThat(content.size()).isPositive();
    for (JsonNode entry : content) {
      assertThat(entry.get("token").isTextual()).isTrue();
      assertThat(entry.get("logprob").asDouble()).isLessThanOrEqualTo(0);
      assertThat(entry.get("bytes").isArray()).isTrue();
      assertThat(entry.get("top_logprobs")).hasSize(3);
      for (JsonNode alt : entry.get("top_logprobs")) {
        assertThat(alt.has("token") && alt.has("logprob") && alt.has("bytes")).isTrue();
      }
    }
  }

  private List<JsonNode> sseChunks(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<String> data = response.body().lines().filter(l -> !l.isEmpty()).toList();
    assertThat(data).allMatch(l -> l.startsWith("data: "));
    assertThat(data.get(data.size() - 1)).isEqualTo("data: [DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (String line : data.subList(0, data.size() - 1)) {
      JsonNode chunk = Json.mapper().readTree(line.substring("data: ".length()));
      OpenAiSchemas.assertConforms(
          chunk,
          chunk.get("object").asText().equals("text_completion")
              ? "completion.chunk"
              : "chat.completion.chunk");
      chunks.add(chunk);
    }
    return chunks;
  }

  @Test
  void aStreamedCompletionArrivesAsChunksThatAddUpToTheWholeText() throws Exception {
    List<JsonNode> chunks =
        sseChunks(
            post(
                "/completions",
                completion(", \"max_tokens\": 10, \"temperature\": 0, \"stream\": true")));

    StringBuilder text = new StringBuilder();
    String finish = null;
    String id = chunks.get(0).get("id").asText();
    for (JsonNode chunk : chunks) {
      assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
      assertThat(chunk.get("id").asText()).isEqualTo(id);
      JsonNode choice = chunk.get("choices").get(0);
      text.append(choice.get("text").asText());
      if (!choice.get("finish_reason").isNull()) {
        finish = choice.get("finish_reason").asText();
      }
    }
    assertThat(chunks.size()).isGreaterThan(1);
    assertThat(text.toString()).isEqualTo(greedyDirect(PROMPT, 10));
    assertThat(finish).isIn("stop", "length");
  }

  @Test
  void aStreamedChatOpensWithTheRoleAndEndsWithUsageWhenAsked() throws Exception {
    List<JsonNode> chunks =
        sseChunks(
            post(
                "/chat/completions",
                chat(
                    ", \"max_tokens\": 6, \"temperature\": 0, \"stream\": true,"
                        + " \"stream_options\": {\"include_usage\": true}")));

    assertThat(chunks.get(0).get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText())
        .isEqualTo("assistant");
    StringBuilder content = new StringBuilder();
    for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
      assertThat(chunk.get("usage").isNull()).isTrue();
      JsonNode delta = chunk.get("choices").get(0).get("delta");
      if (delta.has("content")) {
        content.append(delta.get("content").asText());
      }
    }
    assertThat(content.toString()).isEqualTo(greedyDirect("Add.\n" + PROMPT, 6));
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.get("choices")).isEmpty();
    assertUsage(last);
  }

  @Test
  void concurrentRequestsShareOneSamplerBatch() throws Exception {
    // a batch closes when full: four single-choice requests fill one batch of four rows
    try (OpenAiServer batching =
        OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 4, 30_000))) {
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        responses.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(batching.baseUri() + "/completions"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            completion(", \"max_tokens\": 4, \"seed\": " + i)))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> r : responses) {
        assertThat(r.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(batching.batches()).isEqualTo(1);
      assertThat(batching.largestBatch()).isEqualTo(4);
    }
  }

  @Test
  void aSeededChoiceDoesNotDependOnItsBatchMates() throws Exception {
    String request = completion(", \"max_tokens\": 8, \"seed\": 11");
    JsonNode alone = postOk("/completions", request);
    try (OpenAiServer batching =
        OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 3, 30_000))) {
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (String body :
          List.of(request, completion(", \"max_tokens\": 12, \"n\": 2, \"temperature\": 0.5"))) {
        responses.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(batching.baseUri() + "/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      JsonNode batched = Json.mapper().readTree(responses.get(0).get(60, TimeUnit.SECONDS).body());
      assertThat(responses.get(1).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(batching.batches()).isEqualTo(1);
      assertThat(batched.get("choices").get(0).get("text"))
          .isEqualTo(alone.get("choices").get(0).get("text"));
    }
  }

  static Stream<Arguments> malformedRequests() {
    return Stream.of(
        Arguments.of("/completions", "{not json", null),
        Arguments.of("/completions", "[1, 2]", null),
        Arguments.of("/completions", "{\"prompt\": \"x\"}", "model"),
        Arguments.of("/completions", "{\"model\": \"gpt-9\", \"prompt\": \"x\"}", "model"),
        Arguments.of("/completions", "{\"model\": \"tiny-policy\"}", "prompt"),
        Arguments.of("/completions", completion(", \"temperature\": \"hot\""), "temperature"),
        Arguments.of("/completions", completion(", \"temperature\": 3"), "temperature"),
        Arguments.of("/completions", completion(", \"n\": 0"), "n"),
        Arguments.of("/completions", completion(", \"n\": 1.5"), "n"),
        Arguments.of("/completions", completion(", \"max_tokens\": 1000"), "max_tokens"),
        Arguments.of("/completions", completion(", \"max_tokens\": 0"), "max_tokens"),
        Arguments.of("/completions", completion(", \"stop\": 5"), "stop"),
        Arguments.of(
            "/completions", completion(", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]"), "stop"),
        Arguments.of("/completions", completion(", \"logprobs\": 6"), "logprobs"),
        Arguments.of("/completions", completion(", \"stream\": \"yes\""), "stream"),
        Arguments.of(
            "/chat/completions", "{\"model\": \"tiny-policy\", \"messages\": []}", "messages"),
        Arguments.of(
            "/chat/completions",
            "{\"model\": \"tiny-policy\", \"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}",
            "messages"),
        Arguments.of("/chat/completions", chat(", \"top_logprobs\": 2"), "top_logprobs"),
        Arguments.of(
            "/chat/completions",
            chat(", \"max_completion_tokens\": 999"),
            "max_completion_tokens"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("malformedRequests")
  void aMalformedRequestIsA400WithAnOpenAiError(String path, String body, String param)
      throws Exception {
    HttpResponse<String> response = post(path, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    OpenAiSchemas.assertConforms(Json.mapper().readTree(response.body()), "error");
    JsonNode error = Json.mapper().readTree(response.body()).get("error");
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.has("code")).isTrue();
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
  }

  @Test
  void anUnknownModelIsNamedInTheError() throws Exception {
    JsonNode error =
        Json.mapper()
            .readTree(post("/completions", "{\"model\": \"gpt-9\", \"prompt\": \"x\"}").body())
            .get("error");

    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    assertThat(error.get("message").asText()).contains("gpt-9").contains("tiny-policy");
  }

  @Test
  void unknownPathsAndWrongMethodsAreRefusedWithAnError() throws Exception {
    HttpResponse<String> missing = post("/embeddings", "{}");
    HttpResponse<String> wrongMethod =
        client.send(
            HttpRequest.newBuilder(URI.create(url("/completions"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(Json.mapper().readTree(wrongMethod.body()).get("error").get("message").asText())
        .contains("POST");
  }

  private static boolean curlInstalled() {
    try {
      return new ProcessBuilder("curl", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void curlGetsTheSameShapes() throws Exception {
    assumeTrue(curlInstalled(), "curl is not installed");

    JsonNode models = Json.mapper().readTree(curl(url("/models")));
    JsonNode chat =
        Json.mapper()
            .readTree(
                curl(
                    "-H",
                    "Content-Type: application/json",
                    "-d",
                    chat(", \"max_tokens\": 5, \"temperature\": 0"),
                    url("/chat/completions")));
    String stream =
        curl(
            "-N",
            "-H",
            "Content-Type: application/json",
            "-d",
            completion(", \"max_tokens\": 5, \"stream\": true, \"seed\": 1"),
            url("/completions"));
    String status =
        curl("-o", "/dev/null", "-w", "%{http_code}", "-d", "{\"model\": 1}", url("/completions"));

    OpenAiSchemas.assertConforms(models, "model.list");
    OpenAiSchemas.assertConforms(chat, "chat.completion");
    assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("tiny-policy");
    assertThat(chat.get("choices").get(0).get("message").get("content").asText())
        .isEqualTo(greedyDirect("Add.\n" + PROMPT, 5));
    assertUsage(chat);
    assertThat(stream.strip()).startsWith("data: {").endsWith("data: [DONE]");
    assertThat(status).isEqualTo("400");
  }
}
