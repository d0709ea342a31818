package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.chat.ChatTemplate;
import io.tributary.chat.Message;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.tokenizer.HfTokenizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model with a Hugging Face tokenizer and a chat template: chat requests reach the policy as the
 * template renders them (the template, not the server, adds BOS), and completions are raw text.
 */
class ChatTemplateServingTest {
  private static final String TEMPLATE =
      "{{ bos_token }}{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}"
          + "{% if add_generation_prompt %}assistant:{% endif %}";

  private static ModelConfig config() {
    return ModelConfig.builder()
        .vocabSize(280)
        .dim(32)
        .layers(2)
        .heads(2)
        .routedExperts(4)
        .topK(2)
        .expertHidden(16)
        .denseHidden(32)
        .denseLayers(1)
        .maxSeqLen(96)
        .device(DeviceChoice.CPU)
        .build();
  }

  @Test
  void chatPromptsAreRenderedByTheModelsTemplate() throws Exception {
    Path tokenizerJson = Path.of(getClass().getResource("/tokenizers/tiny-bpe.json").toURI());
    HfTokenizer tokenizer = HfTokenizer.load(tokenizerJson, "<s>", "</s>", "<pad>");
    ChatTemplate template = new ChatTemplate(TEMPLATE, Map.of("bos_token", "<s>"));
    List<Message> messages = List.of(Message.system("be brief"), Message.user("hello there"));
    int[] expectedPrompt = tokenizer.encode(template.render(messages, true));
    try (ServedModel served =
            new ServedModel(
                "bpe-chat",
                PolicyModel.create(config(), 3),
                tokenizer,
                template,
                GenerationDefaults.none());
        OpenAiServer server = OpenAiServer.start(served, new ServerConfig("127.0.0.1", 0, 8, 2))) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.baseUri() + "/chat/completions"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\": \"bpe-chat\", \"temperature\": 0, \"max_tokens\": 6,"
                                  + " \"messages\": [{\"role\": \"system\", \"content\":"
                                  + " \"be brief\"}, {\"role\": \"user\", \"content\": \"hello"
                                  + " there\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = Json.mapper().readTree(response.body());
      assertThat(expectedPrompt[0]).isEqualTo(tokenizer.bos());
      assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(expectedPrompt.length);
      SamplingParams greedy =
          new SamplingParams(
              0,
              1,
              0,
              6,
              new int[] {tokenizer.eos()},
              tokenizer.vocabSize(),
              new int[] {tokenizer.pad(), tokenizer.bos()},
              true);
      Completion direct =
          Sampler.generate(served.policy(), List.of(expectedPrompt), greedy, new long[1]).get(0);
      assertThat(body.get("choices").get(0).get("message").get("content").asText())
          .isEqualTo(tokenizer.decode(direct.tokens()));
    }
  }
}
