package io.tributary.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {

  static Stream<Message> everyKindOfMessage() {
    return Stream.of(
        MessageFixtures.gsm8kPrompt(),
        MessageFixtures.rollout("gsm8k-17", 0),
        MessageFixtures.rollout("gsm8k-17", 3),
        MessageFixtures.rolloutWithFailedReward(),
        MessageFixtures.policyVersion(),
        MessageFixtures.deadLetterFromTopic(),
        MessageFixtures.deadLetterFromFile());
  }

  @ParameterizedTest
  @MethodSource("everyKindOfMessage")
  void everyMessageRoundTripsThroughTheCodec(Message message) {
    byte[] wire = MessageCodec.encode(message);

    assertThat(MessageCodec.decode(wire, message.getClass())).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("everyKindOfMessage")
  void everyEncodedMessageIsValidAgainstItsJsonSchema(Message message) {
    String json = MessageCodec.encodeToString(message);

    assertThat(SchemaFiles.violations(message.getClass(), json)).isEmpty();
  }

  @Test
  void nonFiniteNumbersAreWrittenAsNullAndReadBackAsNaN() {
    ScoredRollout r = MessageFixtures.rollout("p", 0);
    ScoredRollout withNaN =
        new ScoredRollout(
            r.schemaVersion(),
            r.rolloutId(),
            r.promptId(),
            r.groupId(),
            r.sampleIndex(),
            r.groupSize(),
            r.prompt(),
            r.completion(),
            new int[] {1, 2},
            new double[] {Double.NaN, Double.NEGATIVE_INFINITY},
            r.finishReason(),
            r.policyVersion(),
            Map.of("accuracy", Double.NaN),
            Map.of(),
            Double.NaN,
            Double.POSITIVE_INFINITY,
            r.task(),
            r.answer(),
            r.fields(),
            r.createdAtMillis(),
            r.scoredAtMillis());

    String json = MessageCodec.encodeToString(withNaN);

    assertThat(json)
        .doesNotContain("NaN")
        .doesNotContain("Infinity")
        .contains("\"behaviourLogProbs\":[null,null]")
        .contains("\"rewards\":{\"accuracy\":null}")
        .contains("\"totalReward\":null")
        .contains("\"advantage\":null");
    assertThat(SchemaFiles.violations(ScoredRollout.class, json)).isEmpty();
    ScoredRollout back = MessageCodec.decode(json, ScoredRollout.class);
    assertThat(back.totalReward()).isNaN();
    assertThat(back.advantage()).isNaN();
    assertThat(back.behaviourLogProbs()).containsExactly(Double.NaN, Double.NaN);
    assertThat(back.rewards()).containsEntry("accuracy", null);
  }

  static Stream<Arguments> malformedRollouts() {
    return Stream.of(
        bad(
            "a missing field",
            o -> o.remove("promptId"),
            "field 'promptId': missing, expected a string"),
        bad(
            "a null required field",
            o -> o.putNull("completion"),
            "field 'completion': got null, expected a string"),
        bad(
            "a number as a string",
            o -> o.put("sampleIndex", "3"),
            "field 'sampleIndex': got \"3\", expected an integer"),
        bad(
            "a fraction for an integer",
            o -> o.put("groupSize", 4.5),
            "field 'groupSize': got 4.5, expected an integer"),
        bad(
            "a string among token ids",
            o -> o.withArray("completionTokenIds").set(1, "x"),
            "field 'completionTokenIds[1]': got \"x\", expected an integer"),
        bad(
            "an object for an array",
            o -> o.putObject("behaviourLogProbs"),
            "field 'behaviourLogProbs': got {}, expected an array"),
        bad(
            "an unknown finish reason",
            o -> o.put("finishReason", "eos"),
            "field 'finishReason': got \"eos\", expected one of [length, stop]"),
        bad(
            "a string reward",
            o -> o.withObject("rewards").put("format", "high"),
            "field 'rewards.format': got \"high\", expected a number or null"),
        bad(
            "a number as a task field",
            o -> o.withObject("fields").put("split", 1),
            "field 'fields.split': got 1, expected a string"),
        bad("an unknown field", o -> o.put("temperature", 0.7), "unknown field 'temperature'"),
        bad(
            "a newer schema version",
            o -> o.put("schemaVersion", 2),
            "field 'schemaVersion': got 2, expected 1"),
        bad(
            "a sample outside its group",
            o -> o.put("sampleIndex", 4),
            "field 'sampleIndex': got 4, expected a number in [0, groupSize=4)"),
        bad(
            "log-probs not one per token",
            o -> o.withArray("behaviourLogProbs").remove(0),
            "field 'behaviourLogProbs': got 4 values, expected one per completion token (5)"),
        bad(
            "a negative policy version",
            o -> o.put("policyVersion", -1),
            "field 'policyVersion': got -1, expected a number >= 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRollouts")
  void aMalformedRolloutFailsWithAnErrorNamingTheField(
      String what, Consumer<ObjectNode> breakIt, String expected) {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.rollout("p", 0));
    breakIt.accept(json);

    assertThatThrownBy(() -> MessageCodec.decode(json.toString(), ScoredRollout.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith("scored rollout: ")
        .hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRollouts")
  void theJsonSchemaRejectsTheSameMalformedRollouts(
      String what, Consumer<ObjectNode> breakIt, String expected) {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.rollout("p", 0));
    breakIt.accept(json);
    // two rules span fields and are checked by the codec only (JSON Schema cannot compare them)
    boolean crossField = what.contains("outside its group") || what.contains("one per token");

    assertThat(SchemaFiles.violations(ScoredRollout.class, json.toString()))
        .as(what)
        .satisfies(v -> assertThat(v.isEmpty()).isEqualTo(crossField));
  }

  record Case(String input, Class<? extends Message> type, String expected) {}

  static List<Case> unreadableInputs() {
    return List.of(
        new Case(
            "{\"promptId\": ", PromptMessage.class, "prompt: not valid JSON at line 1, column 14"),
        new Case("[1, 2]", PromptMessage.class, "prompt: got ARRAY, expected a JSON object"),
        new Case("", ScoredRollout.class, "scored rollout: got nothing, expected a JSON object"),
        new Case("{\"a\":1} {\"b\":2}", DeadLetter.class, "dead letter: not valid JSON"),
        new Case(
            "{\"schemaVersion\": 1, \"totalReward\": NaN}",
            ScoredRollout.class,
            "scored rollout: not valid JSON"),
        new Case(
            "{\"schemaVersion\": 1, \"version\": 3}",
            PolicyVersionEvent.class,
            "policy version: field 'checkpointPath': missing, expected a string"),
        new Case(
            Json.write(MessageFixtures.policyVersion()).replace("abab", "ABAB"),
            PolicyVersionEvent.class,
            "policy version: field 'checksumSha256': got 'ABAB"),
        new Case(
            Json.write(MessageFixtures.deadLetterFromTopic())
                .replace("\"partition\":2", "\"partition\":null"),
            DeadLetter.class,
            "dead letter: field 'partition': got null, expected a value"));
  }

  @ParameterizedTest
  @MethodSource("unreadableInputs")
  void unreadableInputFailsWithAnErrorSayingWhatWasExpected(Case c) {
    assertThatThrownBy(() -> MessageCodec.decode(c.input(), c.type()))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining(c.expected());
  }

  private static Arguments bad(String what, Consumer<ObjectNode> breakIt, String expected) {
    return Arguments.of(what, breakIt, expected);
  }
}
