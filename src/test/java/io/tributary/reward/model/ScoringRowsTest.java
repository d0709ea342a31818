package io.tributary.reward.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringRowsTest {
  private final CharTokenizer tokenizer = new CharTokenizer();

  @Test
  void rowsAreBosPromptCompletionEosRightPaddedWithTheScoreReadAtEos() {
    ScoringRows rows = ScoringRows.of(tokenizer, List.of("1+1=", "9="), List.of("2", "9"), 64);
    assertThat(rows.lengths()).containsExactly(7, 5);
    assertThat(rows.tokens()[1])
        .containsExactly(
            1,
            tokenizer.encode("9")[0],
            tokenizer.encode("=")[0],
            tokenizer.encode("9")[0],
            2,
            0,
            0);
    float[] oneHot = rows.lastTokenOneHot();
    assertThat(oneHot[6]).isEqualTo(1f); // row 0: EOS at index 6
    assertThat(oneHot[7 + 4]).isEqualTo(1f); // row 1: EOS at index 4
    assertThat(rows.validTokens())
        .containsExactly(
            true, true, true, true, true, true, true, true, true, true, true, true, false, false);
  }

  @Test
  void aRowLongerThanMaxLengthKeepsItsEndWhereTheAnswerIs() {
    int[] row = ScoringRows.encode(tokenizer, "123456789=", "<answer>45</answer>", 6);
    assertThat(tokenizer.decode(row)).isEqualTo("=<answer>45</answer>");
    assertThat(row).hasSize(6).endsWith(tokenizer.eos());
  }
}
