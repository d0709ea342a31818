package io.tributary.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.json.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jinja constructs found in published chat templates (filters, tests, loops, macros, slices, dict
 * methods), each rendered by Jinja2 as transformers sets it up (jinja-snippets.json, written by
 * src/test/python/make_chat_fixtures.py) and compared with what ChatTemplate renders.
 */
class JinjaSnippetsTest {
  record Snippets(Map<String, Object> context, List<Snippet> cases) {}

  record Snippet(String template, String expected) {}

  static Stream<Arguments> snippets() throws Exception {
    try (InputStream in =
        JinjaSnippetsTest.class.getResourceAsStream("/chat-templates/jinja-snippets.json")) {
      Snippets s = Json.mapper().readValue(in, new TypeReference<Snippets>() {});
      List<Arguments> out = new ArrayList<>();
      for (Snippet c : s.cases()) {
        out.add(Arguments.of(c.template(), c.expected(), s.context()));
      }
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void rendersAsJinja2Does(String template, String expected, Map<String, Object> context) {
    ChatTemplate t = new ChatTemplate(template, Map.of());

    assertThat(t.render(List.of(), true, context)).isEqualTo(expected);
  }
}
