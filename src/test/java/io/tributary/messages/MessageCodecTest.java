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
        MessageFixtures.group("gsm8k-17"),
        MessageFixtures.groupWithRouting("gsm8k-17"),
        MessageFixtures.groupWithFailedReward(),
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
    ScoredGroup.Member m = MessageFixtures.member(0, 3);
    ScoredGroup.Member withNaN =
        new ScoredGroup.Member(
            m.completion(),
            new int[] {1, 2},
            new float[] {Float.NaN, Float.NEGATIVE_INFINITY},
            m.finishReason(),
            m.policyVersion(),
            Map.of("accuracy", Double.NaN),
            Map.of(),
            Double.NaN);
    ScoredGroup group =
        MessageFixtures.withMembers("p@l1", "p", List.of(withNaN, MessageFixtures.member(1, 3)));

    String json = MessageCodec.encodeToString(group);

    assertThat(json)
        .doesNotContain("NaN")
        .doesNotContain("Infinity")
        .contains("\"behaviourLogProbs\":[null,null]")
        .contains("\"rewards\":{\"accuracy\":null}")
        .contains("\"totalReward\":null");
    assertThat(SchemaFiles.violations(ScoredGroup.class, json)).isEmpty();
    ScoredGroup.Member back = MessageCodec.decode(json, ScoredGroup.class).members().get(0);
    assertThat(back.totalReward()).isNaN();
    assertThat(back.behaviourLogProbs()).containsExactly(Float.NaN, Float.NaN);
    assertThat(back.rewards()).containsEntry("accuracy", null);
  }

  @Test
  void theWireCarriesRewardsAndNoAdvantage() {
    String json = MessageCodec.encodeToString(MessageFixtures.group("p"));

    assertThat(json).contains("\"totalReward\":1.5").doesNotContain("advantage");
  }

  static Stream<Arguments> malformedGroups() {
    return Stream.of(
        bad(
            "a missing field",
            o -> o.remove("promptId"),
            "field 'promptId': missing, expected a value"),
        bad(
            "a missing member field",
            o -> member(o).remove("policyVersion"),
            "field 'members[0].policyVersion': missing, expected a value"),
        bad(
            "a null required field",
            o -> member(o).putNull("completion"),
            "members[0]: field 'completion': got null, expected a value"),
        bad(
            "a number as a string",
            o -> member(o).put("policyVersion", "3"),
            "field 'members[0].policyVersion': Cannot coerce String value (\"3\")"),
        bad(
            "a fraction for an integer",
            o -> o.withObject("sampling").put("groupSize", 4.5),
            "field 'sampling.groupSize': Cannot coerce Floating-point value (4.5)"),
        bad(
            "a string among token ids",
            o -> member(o).withArray("completionTokenIds").set(1, "x"),
            "field 'members[0].completionTokenIds[1]'"),
        bad(
            "an object for an array",
            o -> member(o).putObject("behaviourLogProbs"),
            "field 'members[0].behaviourLogProbs'"),
        bad(
            "an unknown finish reason",
            o -> member(o).put("finishReason", "eos"),
            "field 'members[0].finishReason'"),
        bad(
            "a string reward",
            o -> member(o).withObject("rewards").put("format", "high"),
            "field 'members[0].rewards.format'"),
        bad(
            "a number as a task field",
            o -> o.withObject("fields").put("split", 1),
            "field 'fields.split'"),
        bad(
            "an unknown field",
            o -> o.put("advantage", 0.7),
            "field 'advantage': unknown, expected only ["),
        bad(
            "a newer schema version",
            o -> o.put("schemaVersion", 2),
            "field 'schemaVersion': got 2, expected 1"),
        bad(
            "fewer members than G",
            o -> o.withArray("members").remove(3),
            "field 'members': got 3 members, expected sampling.groupSize=4"),
        bad(
            "log-probs not one per token",
            o -> member(o).withArray("behaviourLogProbs").remove(0),
            "members[0]: field 'behaviourLogProbs': got 4 values, expected one per completion"
                + " token (5)"),
        bad(
            "a negative policy version",
            o -> member(o).put("policyVersion", -1),
            "members[0]: field 'policyVersion': got -1, expected a number >= 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedGroups")
  void aMalformedGroupFailsWithAnErrorNamingTheField(
      String what, Consumer<ObjectNode> breakIt, String expected) {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.group("p"));
    breakIt.accept(json);

    assertThatThrownBy(() -> MessageCodec.decode(json.toString(), ScoredGroup.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith("scored group: ")
        .hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedGroups")
  void theJsonSchemaRejectsTheSameMalformedGroups(
      String what, Consumer<ObjectNode> breakIt, String expected) {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.group("p"));
    breakIt.accept(json);
    // two rules span fields and are checked by the records only (JSON Schema cannot compare them)
    boolean crossField = what.contains("fewer members") || what.contains("one per token");

    assertThat(SchemaFiles.violations(ScoredGroup.class, json.toString()))
        .as(what)
        .satisfies(v -> assertThat(v.isEmpty()).isEqualTo(crossField));
  }

  static Stream<Arguments> malformedRouting() {
    return Stream.of(
        Arguments.of(
            "a member without the trace its group has",
            (Consumer<ObjectNode>) o -> member(o).putNull("routing"),
            "field 'members[0].routing': absent, expected it present",
            false),
        Arguments.of(
            "a prompt trace one token short",
            (Consumer<ObjectNode>)
                o ->
                    o.set(
                        "promptRouting",
                        Json.mapper()
                            .valueToTree(
                                MessageFixtures.routing(
                                    MessageFixtures.group("p").promptTokenIds().length - 2, 0))),
            "field 'promptRouting': covers 5 tokens, expected the prompt's positions before its"
                + " last (6)",
            false),
        Arguments.of(
            "packed ids that are not base64",
            (Consumer<ObjectNode>) o -> o.withObject("promptRouting").put("packed", "*not*"),
            "promptRouting.packed",
            true),
        Arguments.of(
            "a trace with an unknown field",
            (Consumer<ObjectNode>) o -> o.withObject("promptRouting").put("bits", 3),
            "field 'promptRouting.bits': unknown",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRouting")
  void aMalformedRoutingTraceFailsWithAnErrorNamingTheField(
      String what, Consumer<ObjectNode> breakIt, String expected, boolean schemaSeesIt) {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.groupWithRouting("p"));
    breakIt.accept(json);

    assertThatThrownBy(() -> MessageCodec.decode(json.toString(), ScoredGroup.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith("scored group: ")
        .hasMessageContaining(expected);
    assertThat(SchemaFiles.violations(ScoredGroup.class, json.toString()).isEmpty())
        .as(what)
        .isEqualTo(!schemaSeesIt);
  }

  @Test
  void aGroupWithoutRoutingCarriesNullTraces() {
    ObjectNode json = Json.mapper().valueToTree(MessageFixtures.group("p"));

    assertThat(json.get("promptRouting").isNull()).isTrue();
    assertThat(member(json).get("routing").isNull()).isTrue();
  }

  private static ObjectNode member(ObjectNode group) {
    return (ObjectNode) group.withArray("members").get(0);
  }

  record Case(String input, Class<? extends Message> type, String expected) {}

  static List<Case> unreadableInputs() {
    return List.of(
        new Case(
            "{\"promptId\": ", PromptMessage.class, "prompt: not valid JSON at line 1, column 14"),
        new Case("[1, 2]", PromptMessage.class, "prompt: got ARRAY, expected a JSON object"),
        new Case("", ScoredGroup.class, "scored group: got nothing, expected a JSON object"),
        new Case("{\"a\":1} {\"b\":2}", DeadLetter.class, "dead letter: not valid JSON"),
        new Case(
            "{\"schemaVersion\": 1, \"totalReward\": NaN}",
            ScoredGroup.class,
            "scored group: not valid JSON"),
        new Case(
            "{\"schemaVersion\": 1, \"version\": 3}",
            PolicyVersionEvent.class,
            "policy version: field 'checkpointPath': missing, expected a value"),
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

  record Broken(String what, Message valid, Consumer<ObjectNode> breakIt, String expected) {
    @Override
    public String toString() {
      return what;
    }
  }

  static List<Broken> malformedSmallMessages() {
    return List.of(
        new Broken(
            "a prompt with a time as a string",
            MessageFixtures.gsm8kPrompt(),
            o -> o.put("createdAtMillis", "1764300000000"),
            "prompt: field 'createdAtMillis': Cannot coerce String value"),
        new Broken(
            "a prompt with a number as a task field",
            MessageFixtures.gsm8kPrompt(),
            o -> o.withObject("fields").put("split", 1),
            "prompt: field 'fields.split'"),
        new Broken(
            "a prompt with a null task field",
            MessageFixtures.gsm8kPrompt(),
            o -> o.withObject("fields").putNull("split"),
            "prompt: field 'fields.split': got null, expected a value"),
        new Broken(
            "a prompt with an unknown field",
            MessageFixtures.gsm8kPrompt(),
            o -> o.put("reward", 1),
            "prompt: field 'reward': unknown, expected only ["),
        new Broken(
            "a prompt without its task",
            MessageFixtures.gsm8kPrompt(),
            o -> o.remove("task"),
            "prompt: field 'task': missing, expected a value"),
        new Broken(
            "a policy version with a fractional step",
            MessageFixtures.policyVersion(),
            o -> o.put("trainingStep", 2.5),
            "policy version: field 'trainingStep': Cannot coerce Floating-point value (2.5)"),
        new Broken(
            "a policy version with a string metric",
            MessageFixtures.policyVersion(),
            o -> o.withObject("metrics").put("loss", "low"),
            "policy version: field 'metrics.loss'"),
        new Broken(
            "a dead letter from an unknown kind of source",
            MessageFixtures.deadLetterFromFile(),
            o -> o.put("sourceKind", "queue"),
            "dead letter: field 'sourceKind'"),
        new Broken(
            "a dead letter with a newer schema version",
            MessageFixtures.deadLetterFromFile(),
            o -> o.put("schemaVersion", 2),
            "dead letter: field 'schemaVersion': got 2, expected 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedSmallMessages")
  void aMalformedSmallMessageFailsWithAnErrorNamingTheField(Broken b) {
    ObjectNode json = Json.mapper().valueToTree(b.valid());
    b.breakIt().accept(json);

    assertThatThrownBy(() -> MessageCodec.decode(json.toString(), b.valid().getClass()))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith(b.expected());
  }

  @Test
  void theFieldsTheSchemasLeaveOptionalMayBeAbsent() {
    ObjectNode prompt = Json.mapper().valueToTree(MessageFixtures.gsm8kPrompt());
    prompt.remove("answer");
    ObjectNode letter = Json.mapper().valueToTree(MessageFixtures.deadLetterFromFile());
    letter.remove("partition");

    assertThat(MessageCodec.decode(prompt.toString(), PromptMessage.class).answer()).isNull();
    assertThat(MessageCodec.decode(letter.toString(), DeadLetter.class).partition()).isNull();
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
