package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CountdownGeneratorTest {
  private static final CountdownGenerator GENERATOR =
      new CountdownGenerator(CountdownConfig.defaults());

  private static List<GeneratedInstance> sample(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<GeneratedInstance> instances = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      instances.add(GENERATOR.sample(random));
    }
    return instances;
  }

  @Test
  void everyInstanceIsSolvableAndItsReferenceSolutionIsAccepted() {
    for (GeneratedInstance instance : sample(300, 11)) {
      TaskPrompt prompt = prompt(instance);
      List<Long> numbers = CountdownVerifier.numbers(prompt);
      assertThat(numbers).hasSizeBetween(3, 4).allMatch(n -> n >= 1 && n <= 99);
      assertThat(numbers).doesNotContain(CountdownVerifier.target(prompt));
      assertThat(TaskKind.verify(prompt, instance.answer()).outcome())
          .as(instance.prompt() + " " + instance.answer())
          .isEqualTo(Outcome.CORRECT);
      String completion = GENERATOR.completion(instance, 0.0, new SplittableRandom(1));
      assertThat(CompletionFormat.isWellFormed(completion)).as(completion).isTrue();
      assertThat(CompletionFormat.extractAnswer(completion)).contains(instance.answer());
    }
  }

  @Test
  void corruptedReferenceSolutionsAreRejectedWithTheRightOutcome() {
    for (GeneratedInstance instance : sample(300, 12)) {
      TaskPrompt prompt = prompt(instance);
      List<Long> numbers = CountdownVerifier.numbers(prompt);
      long target = CountdownVerifier.target(prompt);
      String answer = instance.answer();
      assertThat(CountdownVerifier.verify(numbers, target + 1, answer).outcome())
          .isEqualTo(Outcome.WRONG_VALUE);
      assertThat(CountdownVerifier.verify(numbers, target, answer + "+100").outcome())
          .isEqualTo(Outcome.NUMBER_NOT_GIVEN);
      assertThat(CountdownVerifier.verify(numbers, target, "(" + answer).outcome())
          .isEqualTo(Outcome.UNPARSABLE);
      long used = instance.solution().literals().get(0);
      if (Collections.frequency(numbers, used)
          == Collections.frequency(instance.solution().literals(), used)) {
        assertThat(CountdownVerifier.verify(numbers, target, answer + "*" + used).outcome())
            .isEqualTo(Outcome.NUMBER_REUSED);
      }
    }
  }

  @Test
  void theTraceDerivesTheTargetStepByStep() {
    GeneratedInstance instance =
        CountdownGenerator.instance(
            List.of(25L, 50L, 3L, 7L), 82, ExpressionParser.parse("(50-25)*3+7"));
    assertThat(GENERATOR.completion(instance, 0.0, new SplittableRandom(1)))
        .isEqualTo("<think>50-25=25,25*3=75,75+7=82</think><answer>(50-25)*3+7</answer>");
    assertThat(instance.prompt()).isEqualTo("Use 25,50,3,7 to make 82.");
  }

  @Test
  void noisyTracesMisreadANumberAndTheirAnswersFail() {
    int rejected = 0;
    List<GeneratedInstance> instances = sample(300, 13);
    SplittableRandom noise = new SplittableRandom(5);
    for (GeneratedInstance instance : instances) {
      String completion = GENERATOR.completion(instance, 1.0, noise);
      String answer = CompletionFormat.extractAnswer(completion).orElseThrow();
      if (!TaskKind.verify(prompt(instance), answer).isCorrect()) {
        rejected++;
      }
    }
    // with p = 1 every +, -, * step misreads a number; division steps are never misread (that
    // would make them inexact), so solutions made only of divisions, and coincidences, survive
    assertThat(rejected).isGreaterThan(240);
  }

  private static TaskPrompt prompt(GeneratedInstance instance) {
    return new TaskPrompt("t", instance.prompt(), instance.answer(), "countdown", instance.extra());
  }
}
