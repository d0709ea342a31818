package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticGeneratorTest {
  private static final ArithmeticGenerator GENERATOR =
      new ArithmeticGenerator(ArithmeticConfig.defaults());

  @Test
  void referenceAnswersAndCleanTracesAreCorrectStepByStep() {
    SplittableRandom random = new SplittableRandom(21);
    for (int i = 0; i < 500; i++) {
      GeneratedInstance instance = GENERATOR.sample(random);
      TaskPrompt prompt = prompt(instance);
      assertThat(ExpressionParser.parse(instance.extra().get("expression").toString()).evaluate())
          .isEqualTo(Rational.of(Long.parseLong(instance.answer())));
      assertThat(TaskKind.verify(prompt, instance.answer()).isCorrect()).isTrue();
      String completion = GENERATOR.completion(instance, 0.0, random);
      assertThat(CompletionFormat.isWellFormed(completion)).isTrue();
      assertThat(CompletionFormat.extractAnswer(completion)).contains(instance.answer());
      assertThat(stepsAreCorrect(completion)).as(completion).isTrue();
    }
  }

  @Test
  void aTraceFollowsTheUsualPrecedence() {
    GeneratedInstance instance =
        new GeneratedInstance(
            "k", "(23+7)*3-14=", "76", Map.of(), ExpressionParser.parse("(23+7)*3-14"));
    assertThat(GENERATOR.completion(instance, 0.0, new SplittableRandom(1)))
        .isEqualTo("<think>23+7=30,30*3=90,90-14=76</think><answer>76</answer>");
  }

  @ParameterizedTest(name = "''{0}'' for 76 -> {1}")
  @CsvSource({
    "76, CORRECT",
    "' 76 ', CORRECT",
    "77, WRONG_VALUE",
    "75, WRONG_VALUE",
    "-76, WRONG_VALUE",
    "76.0, UNPARSABLE",
    "'7 6', UNPARSABLE",
    "seventy-six, UNPARSABLE",
    "'', UNPARSABLE"
  })
  void verifiesIntegerAnswers(String answer, Outcome expected) {
    TaskPrompt prompt = new TaskPrompt("a", "(23+7)*3-14=", "76", "arithmetic", Map.of());
    assertThat(TaskKind.verify(prompt, answer).outcome()).isEqualTo(expected);
  }

  @Test
  void defaultDifficultyFitsTheCharacterContext() {
    SplittableRandom random = new SplittableRandom(22);
    int longestRaw = 0;
    int longestTokens = 0;
    for (int i = 0; i < 3000; i++) {
      GeneratedInstance instance = GENERATOR.sample(random);
      String text = instance.prompt() + GENERATOR.completion(instance, 0.2, random);
      longestRaw = Math.max(longestRaw, text.length());
      longestTokens = Math.max(longestTokens, CompletionFormat.tokenLength(text));
    }
    // tags are one token each; even written out in full the text stays under 200 characters
    assertThat(longestTokens).isLessThanOrEqualTo(longestRaw - 28);
    assertThat(longestRaw).isLessThan(200);
  }

  @Test
  void noisyTracesCarryTheWrongStepIntoTheAnswer() {
    SplittableRandom random = new SplittableRandom(23);
    int wrong = 0;
    int samples = 2000;
    for (int i = 0; i < samples; i++) {
      GeneratedInstance instance = GENERATOR.sample(random);
      String completion = GENERATOR.completion(instance, 0.2, random);
      String[] steps = reasoning(completion).split(",");
      String last = steps[steps.length - 1];
      // the answer is where the written steps lead, right or wrong
      assertThat(CompletionFormat.extractAnswer(completion))
          .contains(last.substring(last.lastIndexOf('=') + 1));
      if (!TaskKind.verify(prompt(instance), answer(completion)).isCorrect()) {
        wrong++;
      }
    }
    // 3 steps each wrong with p = 0.2: 1 - 0.8^3 = 0.49 of answers, less rare cancellations
    assertThat((double) wrong / samples).isBetween(0.40, 0.52);
  }

  @Test
  void difficultyKnobsChangeOperandCountAndMagnitude() {
    ArithmeticGenerator hard =
        new ArithmeticGenerator(
            new ArithmeticConfig(6, 9, List.of(Operator.PLUS, Operator.MINUS), 999, false));
    GeneratedInstance instance = hard.sample(new SplittableRandom(4));
    assertThat(instance.solution().literals()).hasSize(6).allMatch(n -> n >= 1 && n <= 9);
  }

  private static boolean stepsAreCorrect(String completion) {
    for (String step : reasoning(completion).split(",")) {
      int equals = step.lastIndexOf('=');
      Rational written = Rational.of(Long.parseLong(step.substring(equals + 1)));
      if (!ExpressionParser.parse(step.substring(0, equals)).evaluate().equals(written)) {
        return false;
      }
    }
    return true;
  }

  private static String reasoning(String completion) {
    return completion.substring(
        CompletionFormat.THINK_OPEN.length(), completion.indexOf(CompletionFormat.THINK_CLOSE));
  }

  private static String answer(String completion) {
    return CompletionFormat.extractAnswer(completion).orElseThrow();
  }

  private static TaskPrompt prompt(GeneratedInstance instance) {
    return new TaskPrompt("a", instance.prompt(), instance.answer(), "arithmetic", Map.of());
  }
}
