package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.hf.HfTokenizers;
import io.tributary.json.Json;
import io.tributary.model.Precision;
import io.tributary.tokenizer.HfTokenizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --hf DIR}: an imported Hugging Face model answers over the OpenAI API with the
 * greedy continuation transformers produced for the same prompt (the fixture's reference.json), the
 * prompt encoded as transformers encodes it (no BOS for Qwen).
 */
class ServeHuggingFaceTest {
  @Test
  void aHuggingFaceDirectoryServesTransformersGreedyContinuation() throws Exception {
    Path dir = Paths.get(getClass().getResource("/hf/qwen3").toURI());
    JsonNode greedy = Json.mapper().readTree(dir.resolve("reference.json").toFile()).get("greedy");
    HfTokenizer tokenizer = HfTokenizers.load(dir);
    // the fixture's config has embedding rows beyond the tokenizer's vocabulary (as real Qwen
    // checkpoints do); transformers may pick one, the server never draws an id it cannot decode,
    // so the two agree up to the reference's first such id
    List<Integer> continuation = new ArrayList<>();
    for (JsonNode id : greedy.get("continuation")) {
      if (id.asInt() >= tokenizer.vocabSize()) {
        break;
      }
      continuation.add(id.asInt());
    }
    assertThat(continuation).hasSizeGreaterThanOrEqualTo(16);
    String expected = tokenizer.decode(continuation.stream().mapToInt(Integer::intValue).toArray());

    try (ServedModel served = ServedModel.fromHuggingFace(dir, null, null);
        OpenAiServer server = OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 4, 2))) {
      String body =
          Json.mapper()
              .createObjectNode()
              .put("model", "qwen3")
              .put("prompt", greedy.get("prompt_text").asText())
              .put("max_tokens", continuation.size())
              .put("temperature", 0)
              .toString();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.baseUri() + "/completions"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = Json.mapper().readTree(response.body());
      assertThat(answer.get("model").asText()).isEqualTo("qwen3");
      assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(greedy.get("prompt").size());
      assertThat(answer.at("/choices/0/text").asText()).isEqualTo(expected);
    }
  }

  @Test
  void dtypeFloat16ServesTheHuggingFaceModelInHalfPrecision() {
    try (ServedModel served =
        ServedModel.fromHuggingFace(
            Path.of("src/test/resources/hf/qwen3"), null, null, Precision.FLOAT16)) {
      assertThat(served.policy().config().dtype()).isEqualTo(Precision.FLOAT16);
    }
  }
}
