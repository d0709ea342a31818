package io.tributary.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.json.Json;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real chat templates of Qwen3 and DeepSeek-V3 render exactly the strings transformers'
 * apply_chat_template renders for the same messages (written by
 * src/test/python/make_chat_fixtures.py into expected.json beside each tokenizer_config.json).
 */
class ChatTemplateTest {

  record Case(
      String name,
      List<Message> messages,
      boolean add_generation_prompt,
      Map<String, Object> extra,
      String expected) {}

  static Stream<Arguments> transformersRenderings() throws Exception {
    List<Arguments> all = new ArrayList<>();
    for (String model : List.of("qwen3", "deepseek-v3")) {
      Path dir = resource(model);
      List<Case> cases =
          Json.mapper()
              .readValue(dir.resolve("expected.json").toFile(), new TypeReference<List<Case>>() {});
      for (Case c : cases) {
        all.add(Arguments.of(model, c.name(), c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("transformersRenderings")
  void rendersExactlyWhatTransformersRenders(String model, String name, Case c) throws Exception {
    ChatTemplate template = ChatTemplate.read(resource(model));

    String rendered = template.render(c.messages(), c.add_generation_prompt(), c.extra());

    assertThat(rendered).isEqualTo(c.expected());
  }

  @Test
  void aTasksPromptIsItsSystemPromptAndUserTurnWithTheAssistantsTurnOpened() throws Exception {
    ChatTemplate qwen3 = ChatTemplate.read(resource("qwen3"));

    assertThat(qwen3.taskPrompt("You are a careful math tutor.", "What is 7 * 6?", Map.of()))
        .isEqualTo(
            "<|im_start|>system\nYou are a careful math tutor.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 7 * 6?<|im_end|>\n<|im_start|>assistant\n");
    assertThat(qwen3.taskPrompt(null, "What is 7 * 6?", Map.of("enable_thinking", false)))
        .isEqualTo(
            "<|im_start|>user\nWhat is 7 * 6?<|im_end|>\n<|im_start|>assistant\n"
                + "<think>\n\n</think>\n\n");
  }

  @Test
  void namedSpecialTokensComeFromTheTokenizerConfig() throws Exception {
    assertThat(ChatTemplate.read(resource("deepseek-v3")).specialTokens())
        .containsEntry("bos_token", "<｜begin▁of▁sentence｜>")
        .containsEntry("eos_token", "<｜end▁of▁sentence｜>");
    assertThat(ChatTemplate.read(resource("qwen3")).specialTokens())
        .containsEntry("eos_token", "<|im_end|>")
        .doesNotContainKey("bos_token");
  }

  @Test
  void pythonStringMethodsKeepPythonSemantics() {
    ChatTemplate t =
        new ChatTemplate(
            "{{ s.split('</think>')|length }}|{{ s.split('</think>')[-1] }}|"
                + "{{ ' a  b '.split()|length }}|{{ 'x.y'.split('.')[0] }}|"
                + "{{ '\\n\\nhi\\n'.strip('\\n') }}|{{ 'abc'.startswith('ab') }}|"
                + "{{ 'abc'.endswith('bc') }}|{{ 'hello world'.title() }}",
            Map.of());

    String rendered =
        t.render(List.of(), false, Map.of("s", "reasoning</think>")); // Java split would drop ""

    assertThat(rendered).isEqualTo("2||2|x|hi|true|true|Hello World");
  }

  @Test
  void tojsonWritesWhatPythonJsonDumpsWrites() {
    ChatTemplate t = new ChatTemplate("{{ v|tojson }}\n{{ v|tojson(indent=2) }}", Map.of());

    String rendered =
        t.render(
            List.of(),
            false,
            Map.of("v", Map.of("k", List.of(1, 2.5, "é\"\n", true)))); // single key: fixed order

    assertThat(rendered)
        .isEqualTo(
            "{\"k\": [1, 2.5, \"é\\\"\\n\", true]}\n"
                + "{\n  \"k\": [\n    1,\n    2.5,\n    \"é\\\"\\n\",\n    true\n  ]\n}");
  }

  @Test
  void raiseExceptionInATemplateIsAnErrorWithTheTemplatesMessage() {
    ChatTemplate t =
        new ChatTemplate(
            "{% if messages[0]['role'] == 'system' %}"
                + "{{ raise_exception('System role not supported') }}{% endif %}",
            Map.of());

    assertThatThrownBy(() -> t.render(List.of(Message.system("hi")), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("System role not supported");
  }

  @Test
  void strftimeNowPrintsTodaysDate() {
    ChatTemplate t = new ChatTemplate("{{ strftime_now('%Y-%m-%d') }}", Map.of());

    assertThat(t.render(List.of(), false)).isEqualTo(java.time.LocalDate.now().toString());
  }

  @Test
  void aConfigWithoutATemplateIsAnErrorNamingTheFileAndKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, "{\"eos_token\": \"</s>\"}");

    assertThatThrownBy(() -> ChatTemplate.fromTokenizerConfig(config))
        .hasMessageContaining("tokenizer_config.json")
        .hasMessageContaining("chat_template");
  }

  @Test
  void chatTemplateJinjaBesideTheConfigWins(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"eos_token\": \"</s>\", \"chat_template\": \"old\"}");
    Files.writeString(
        dir.resolve("chat_template.jinja"),
        "{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}");

    assertThat(ChatTemplate.read(dir).render(List.of(Message.user("hi")), false))
        .isEqualTo("hi</s>");
  }

  private static Path resource(String model) throws URISyntaxException {
    return Path.of(ChatTemplateTest.class.getResource("/chat-templates/" + model).toURI());
  }
}
