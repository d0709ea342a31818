package io.tributary.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The JSON Schemas of pipeline/schemas, loaded for validation in tests of any package. */
public final class SchemaFiles {
  private static final Path DIR = Path.of("pipeline", "schemas");
  private static final Map<Class<?>, String> FILES =
      Map.of(
          PromptMessage.class, "prompt.schema.json",
          ScoredGroup.class, "scored-group.schema.json",
          PolicyVersionEvent.class, "policy-version.schema.json",
          DeadLetter.class, "dead-letter.schema.json");

  private SchemaFiles() {}

  public static JsonSchema schemaFor(Class<? extends Message> type) {
    try {
      String text = Files.readString(DIR.resolve(FILES.get(type)));
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema's complaints about {@code json}; empty when it is valid. */
  public static List<String> violations(Class<? extends Message> type, String json) {
    try {
      JsonNode node = Json.mapper().readTree(json);
      return schemaFor(type).validate(node).stream().map(ValidationMessage::getMessage).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
