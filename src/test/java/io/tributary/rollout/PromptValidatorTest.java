package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.tokenizer.CharTokenizer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PromptValidatorTest {
  static final CharTokenizer TOKENIZER = new CharTokenizer();
  static final PromptValidator VALIDATOR = new PromptValidator(TOKENIZER, 16);
  static final InputOrigin LINE_3 = InputOrigin.fileLine("prompts.jsonl", 3);

  static Stream<Arguments> malformed() {
    String ok =
        "\"schemaVersion\":1,\"prompt\":\"1+1=\",\"task\":\"arithmetic\",\"answer\":\"2\","
            + "\"fields\":{},\"createdAtMillis\":1";
    return Stream.of(
        Arguments.of("not JSON", "{promptId: 1", "not valid JSON"),
        Arguments.of("a JSON array", "[1, 2]", "expected a JSON object"),
        Arguments.of("missing promptId", "{" + ok + "}", "'promptId'"),
        Arguments.of("promptId a number", "{\"promptId\":7," + ok + "}", "'promptId'"),
        Arguments.of(
            "fields not an object",
            "{\"promptId\":\"a\"," + ok.replace("\"fields\":{}", "\"fields\":3") + "}",
            "'fields'"),
        Arguments.of(
            "schema version 2",
            "{\"promptId\":\"a\"," + ok.replace("\"schemaVersion\":1", "\"schemaVersion\":2") + "}",
            "schemaVersion"),
        Arguments.of(
            "oversized prompt",
            "{\"promptId\":\"a\"," + ok.replace("1+1=", "123456789012345") + "}",
            "oversized: 16 tokens with BOS, expected at most 15"),
        Arguments.of("a tombstone", null, "tombstone"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedRecordBecomesADeadLetterWithItsReasonAndOrigin(
      String name, String payload, String reason) {
    Validation v = VALIDATOR.validate(new RawInput(LINE_3, payload), 99);
    assertThat(v).isInstanceOf(Validation.Rejected.class);
    DeadLetter letter = ((Validation.Rejected) v).letter();
    assertThat(letter.reason()).contains(reason);
    assertThat(letter.payload()).isEqualTo(payload == null ? "" : payload);
    assertThat(letter.source()).isEqualTo("prompts.jsonl");
    assertThat(letter.position()).isEqualTo(3);
    assertThat(letter.timestampMillis()).isEqualTo(99);
  }

  @Test
  void aGoodPromptIsEncodedAfterBosAndGetsAGroupIdFromItsOrigin() {
    String json = MessageCodec.encodeToString(StreamFixtures.prompt(4));
    Validation v = VALIDATOR.validate(new RawInput(InputOrigin.topic("prompts", 2, 41), json), 1);
    ValidPrompt p = ((Validation.Accepted) v).prompt();
    assertThat(p.tokens()[0]).isEqualTo(TOKENIZER.bos());
    assertThat(TOKENIZER.decode(p.tokens())).isEqualTo(p.prompt().prompt());
    assertThat(p.groupId()).isEqualTo("q4@p2o41");
  }

  @Test
  void theLongestPromptThatLeavesRoomForOneTokenIsAccepted() {
    String json =
        MessageCodec.encodeToString(
            new io.tributary.messages.PromptMessage(
                "edge", "12345678901234", "arithmetic", "1", java.util.Map.of(), 1));
    assertThat(VALIDATOR.validate(new RawInput(LINE_3, json), 1))
        .isInstanceOf(Validation.Accepted.class);
  }
}
