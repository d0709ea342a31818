package io.tributary.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tributary.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's dead-letter payload about a group it could not score, and its documented schema. */
class UnscoredGroupTest {
  static UnscoredGroup payload() {
    Map<String, Double> rewards = new HashMap<>();
    rewards.put("accuracy", null);
    rewards.put("format", 1.0);
    return new UnscoredGroup(
        "q7@p2o41",
        "q7",
        "1+1=",
        3,
        2,
        List.of(
            new UnscoredGroup.Member(0, "2", Map.of("accuracy", 1.0, "format", 1.0), Map.of()),
            new UnscoredGroup.Member(
                1, "<answer>2</answer>", rewards, Map.of("accuracy", "timed out after 2000 ms"))));
  }

  static List<String> violations(String json) throws Exception {
    String schema = Files.readString(Path.of("pipeline", "schemas", "unscored-group.schema.json"));
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(schema)
        .validate(Json.mapper().readTree(json))
        .stream()
        .map(ValidationMessage::getMessage)
        .toList();
  }

  @Test
  void encodesToJsonValidAgainstItsSchemaAndDecodesToTheSameRecord() throws Exception {
    String json = Json.write(payload());

    assertThat(violations(json)).isEmpty();
    assertThat(Json.mapper().readValue(json, UnscoredGroup.class)).isEqualTo(payload());
  }

  @Test
  void aRejectedPromptsRawRecordIsNotAnUnscoredGroup() throws Exception {
    String rawPrompt = "{\"promptId\": \"q10\", \"prompt\": \"1+1=\"}";

    assertThat(violations(rawPrompt)).isNotEmpty();
    assertThatThrownBy(() -> Json.mapper().readValue(rawPrompt, UnscoredGroup.class))
        .isInstanceOf(Exception.class);
  }
}
