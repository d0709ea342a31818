package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountdownRewardTest {
  private static final Map<String, Object> FIELDS =
      Map.of("numbers", List.of(25, 50, 3, 7), "target", 82);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // the reference solution
        "<think>50-25=25,25*3=75,75+7=82</think><answer>(50-25)*3+7</answer> | 1.0",
        // another correct expression with the numbers in another order
        "<answer>7+3*(50-25)</answer>                                        | 1.0",
        // right value, but 25 used twice
        "<answer>25+25+25+7</answer>                                         | 0.0",
        // the hack TinyZero's rule closes: the right value from a subset, 3 left unused
        "<answer>50+25+7</answer>                                            | 0.0",
        // the last answer tag counts, as TinyZero's extract_solution takes the last match
        "<answer>50+25+7</answer> no: <answer>(50-25)*3+7</answer>          | 1.0",
        "<answer>(50-25)*3+7</answer> no: <answer>50+25+7</answer>          | 0.0",
        // a number that was not given
        "<answer>80+2</answer>                                               | 0.0",
        // wrong value
        "<answer>50+25+3</answer>                                            | 0.0",
        // not an expression: never evaluated as code, just 0
        "<answer>System.exit(1)</answer>                                     | 0.0",
        // no answer block
        "<think>50-25=25</think>                                             | 0.0",
      })
  void scoresTheAnswerExpression(String completion, double expected) {
    RewardResult result =
        new CountdownReward().score(Rollout.of("Use 25,50,3,7 to make 82.", completion, FIELDS));
    assertThat(result).isEqualTo(RewardResult.score(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a fractional target       | [25, 50, 3, 7]   | 82.5 | target",
        "a fractional given number | [25, 50, 3.5, 7] | 82   | numbers[2]",
        "a target that is text     | [25, 50, 3, 7]   | '\"eighty\"' | target"
      })
  void refusesNumbersThatAreNotWholeInsteadOfTruncatingThem(
      String why, String numbers, String target, String field) {
    // truncating 82.5 to 82 would pay (50-25)*3+7 for a target it does not reach
    Map<String, Object> fields = Map.of("numbers", numbers, "target", target);
    Rollout rollout = Rollout.of("p", "<answer>(50-25)*3+7</answer>", fields);

    assertThatThrownBy(() -> new CountdownReward().score(rollout))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + field + "'")
        .hasMessageContaining("whole number");
  }

  @org.junit.jupiter.api.Test
  void acceptsAWholeTargetWrittenAsADecimal() {
    Map<String, Object> fields = Map.of("numbers", List.of(25, 50, 3, 7), "target", 82.0);
    assertThat(new CountdownReward().score(Rollout.of("p", "<answer>(50-25)*3+7</answer>", fields)))
        .isEqualTo(RewardResult.score(1.0));
  }

  @org.junit.jupiter.api.Test
  void readsTaskFieldsThatArriveAsJsonTextFromKafka() {
    Map<String, Object> fromKafka = Map.of("numbers", "[25,50,3,7]", "target", "82");
    assertThat(
            new CountdownReward().score(Rollout.of("p", "<answer>(50-25)*3+7</answer>", fromKafka)))
        .isEqualTo(RewardResult.score(1.0));
  }

  @org.junit.jupiter.api.Test
  void isNotApplicableWithoutTheTaskFieldsAndIsFoundByName() {
    assertThat(new CountdownReward().score(Rollout.of("p", "<answer>1+2</answer>", Map.of())))
        .isInstanceOf(RewardResult.NotApplicable.class);
    assertThat(RewardRegistry.load().names()).contains("countdown");
  }
}
