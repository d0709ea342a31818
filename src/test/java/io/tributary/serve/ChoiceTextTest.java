package io.tributary.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChoiceTextTest {
  private final CharTokenizer tokenizer = new CharTokenizer();

  private int id(char c) {
    return tokenizer.encode(String.valueOf(c))[0];
  }

  private boolean feed(ChoiceText text, String chars) {
    boolean go = true;
    for (char c : chars.toCharArray()) {
      go = text.add(id(c));
    }
    return go;
  }

  @Test
  void aStopStringEndsTheChoiceAndIsNotReturned() {
    ChoiceText text = new ChoiceText(tokenizer, List.of("##"), new int[] {tokenizer.eos()}, 50);

    assertThat(feed(text, "ab#")).isTrue();
    assertThat(text.add(id('#'))).isFalse();

    assertThat(text.text()).isEqualTo("ab");
    assertThat(text.finishReason()).isEqualTo("stop");
    assertThat(text.generatedTokens()).isEqualTo(4);
  }

  @Test
  void streamingHoldsBackWhatCouldStillBecomeAStopString() {
    ChoiceText text = new ChoiceText(tokenizer, List.of("xyz"), new int[] {tokenizer.eos()}, 50);

    feed(text, "abxy");
    assertThat(text.release()).isEqualTo("ab"); // "xy" may be the start of "xyz"
    feed(text, "q");
    assertThat(text.release()).isEqualTo("xyq"); // no stop string begins with "xyq"
  }

  @Test
  void theStopTokenEndsTheChoiceAddsNoTextAndCountsAsGenerated() {
    ChoiceText text = new ChoiceText(tokenizer, List.of(), new int[] {tokenizer.eos()}, 50);

    feed(text, "hi");
    assertThat(text.add(tokenizer.eos())).isFalse();

    assertThat(text.text()).isEqualTo("hi");
    assertThat(text.release()).isEqualTo("hi");
    assertThat(text.finishReason()).isEqualTo("stop");
    assertThat(text.generatedTokens()).isEqualTo(3);
  }

  @Test
  void theTokenBudgetEndsTheChoiceWithLength() {
    ChoiceText text = new ChoiceText(tokenizer, List.of(), new int[] {tokenizer.eos()}, 3);

    assertThat(feed(text, "abc")).isFalse();

    assertThat(text.finishReason()).isEqualTo("length");
    assertThat(text.text()).isEqualTo("abc");
  }
}
