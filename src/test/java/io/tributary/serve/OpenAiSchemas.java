package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The OpenAI response schemas of src/test/resources/openai/, applied to answers received. */
final class OpenAiSchemas {
  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private OpenAiSchemas() {}

  /** Asserts that {@code body} is a valid {@code name} ("completion", "chat.completion.chunk"). */
  static void assertConforms(JsonNode body, String name) {
    JsonSchema schema = CACHE.computeIfAbsent(name, OpenAiSchemas::load);
    List<String> violations =
        schema.validate(body).stream().map(ValidationMessage::getMessage).toList();
    assertThat(violations).as(name + ": " + body).isEmpty();
  }

  private static JsonSchema load(String name) {
    try (InputStream in =
        OpenAiSchemas.class.getResourceAsStream("/openai/" + name + ".schema.json")) {
      if (in == null) {
        throw new IllegalArgumentException("no schema openai/" + name + ".schema.json");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
