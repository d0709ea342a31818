package io.tributary.reward.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictFormatTest {
  @ParameterizedTest(name = "{0}: ''{1}'' -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "unreadable",
      value = {
        "yes_no   | yes                                        | 1.0",
        "yes_no   | No.                                        | 0.0",
        "yes_no   | YES                                        | 1.0",
        // a judge that reasons first concludes last
        "yes_no   | Is it 42? No, it says 41. Final verdict: no  | 0.0",
        "yes_no   | At first no, but after simplifying: yes     | 1.0",
        // 'yesterday' and 'know' are not verdicts
        "yes_no   | I know it was done yesterday                | unreadable",
        "yes_no   | maybe                                      | unreadable",
        "score    | 0.8                                        | 0.8",
        "score    | 1                                          | 1.0",
        "score    | Score: 0                                   | 0.0",
        "score    | 1.5                                        | unreadable",
        "score    | -0.5                                       | unreadable",
        "score    | no number here                             | unreadable",
        "score_10 | 7                                          | 0.7",
        "score_10 | Rating: 10                                 | 1.0",
        "score_10 | 10/10 would grade again: 9                 | 0.9",
        "score_10 | 11                                         | unreadable",
      })
  void readsTheLastVerdictOfItsFormat(String format, String reply, Double expected) {
    OptionalDouble read = VerdictFormat.valueOf(format.toUpperCase()).read(reply);

    if (expected == null) {
      assertThat(read).isEmpty();
    } else {
      assertThat(read).hasValue(expected);
    }
  }
}
