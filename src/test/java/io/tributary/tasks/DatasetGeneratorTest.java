package io.tributary.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatasetGeneratorTest {
  static Stream<TaskGenerator> generators() {
    return Stream.of(
        new CountdownGenerator(CountdownConfig.defaults()),
        new ArithmeticGenerator(ArithmeticConfig.defaults()));
  }

  @ParameterizedTest
  @MethodSource("generators")
  void trainAndHeldOutNeverShareAProblem(TaskGenerator generator) {
    GeneratedSplits splits = DatasetGenerator.generate(generator, 1500, 300, 5, 0.0);
    assertThat(splits.train()).hasSize(1500);
    assertThat(splits.heldout()).hasSize(300);
    Set<String> heldoutProblems = new HashSet<>();
    splits.heldout().forEach(p -> heldoutProblems.add(problem(p)));
    assertThat(heldoutProblems).hasSize(300);
    Set<String> trainProblems = new HashSet<>();
    splits.train().forEach(p -> trainProblems.add(problem(p)));
    assertThat(trainProblems).hasSize(1500).doesNotContainAnyElementsOf(heldoutProblems);
  }

  @ParameterizedTest
  @MethodSource("generators")
  void theSameSeedWritesTheSameFilesAndAnotherSeedDoesNot(
      TaskGenerator generator, @TempDir Path dir) throws Exception {
    DatasetGenerator.generate(generator, 200, 50, 9, 0.2).write(dir.resolve("a"));
    DatasetGenerator.generate(generator, 200, 50, 9, 0.2).write(dir.resolve("b"));
    DatasetGenerator.generate(generator, 200, 50, 10, 0.2).write(dir.resolve("c"));
    for (String file :
        List.of(
            GeneratedSplits.TRAIN_FILE,
            GeneratedSplits.HELDOUT_FILE,
            GeneratedSplits.SFT_TRAIN_FILE,
            GeneratedSplits.SFT_HELDOUT_FILE)) {
      byte[] a = Files.readAllBytes(dir.resolve("a").resolve(file));
      assertThat(a).isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
      assertThat(a).isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(file)));
    }
  }

  @ParameterizedTest
  @MethodSource("generators")
  void noiseChangesTracesButNotPromptsAndHeldOutTracesStayCorrect(TaskGenerator generator) {
    GeneratedSplits clean = DatasetGenerator.generate(generator, 300, 100, 3, 0.0);
    GeneratedSplits noisy = DatasetGenerator.generate(generator, 300, 100, 3, 0.3);
    assertThat(noisy.train()).isEqualTo(clean.train());
    assertThat(noisy.heldout()).isEqualTo(clean.heldout());
    assertThat(noisy.sftHeldout()).isEqualTo(clean.sftHeldout());
    assertThat(noisy.sftTrain()).isNotEqualTo(clean.sftTrain());
    assertThat(accuracy(clean.train(), clean.sftTrain())).isEqualTo(1.0);
    assertThat(accuracy(clean.heldout(), noisy.sftHeldout())).isEqualTo(1.0);
    assertThat(accuracy(noisy.train(), noisy.sftTrain())).isBetween(0.2, 0.9);
  }

  @ParameterizedTest
  @MethodSource("generators")
  void promptsAndTracesSurviveAJsonlRoundTrip(TaskGenerator generator, @TempDir Path dir) {
    GeneratedSplits splits = DatasetGenerator.generate(generator, 50, 20, 1, 0.1);
    splits.write(dir);
    assertThat(Jsonl.read(dir.resolve(GeneratedSplits.TRAIN_FILE), TaskPrompt.class))
        .isEqualTo(splits.train());
    assertThat(Jsonl.read(dir.resolve(GeneratedSplits.SFT_TRAIN_FILE), SftExample.class))
        .isEqualTo(splits.sftTrain());
  }

  @ParameterizedTest
  @MethodSource("generators")
  void asksForMoreDistinctProblemsThanExistFailsClearly(TaskGenerator ignored) {
    ArithmeticGenerator tiny =
        new ArithmeticGenerator(new ArithmeticConfig(2, 2, List.of(Operator.PLUS), 9, false));
    assertThatThrownBy(() -> DatasetGenerator.generate(tiny, 10, 0, 1, 0))
        .hasMessageContaining("found only 4 new distinct problems of 10");
  }

  private static double accuracy(List<TaskPrompt> prompts, List<SftExample> traces) {
    int correct = 0;
    for (int i = 0; i < prompts.size(); i++) {
      assertThat(traces.get(i).id()).isEqualTo(prompts.get(i).id());
      String answer = CompletionFormat.extractAnswer(traces.get(i).completion()).orElseThrow();
      correct += TaskKind.verify(prompts.get(i), answer).isCorrect() ? 1 : 0;
    }
    return (double) correct / prompts.size();
  }

  /** The problem itself: countdown's numbers in any order with the target, or the expression. */
  private static String problem(TaskPrompt prompt) {
    if (prompt.task().equals("countdown")) {
      return CountdownVerifier.numbers(prompt).stream().sorted().toList()
          + ">"
          + CountdownVerifier.target(prompt);
    }
    return prompt.prompt();
  }
}
