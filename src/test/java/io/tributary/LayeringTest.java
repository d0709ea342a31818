package io.tributary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The layering of STYLE.md rule 8, checked rather than hoped for: model, training and reward code
 * never import Flink or Kafka; only the rollout job, the learner and the run wire them; nothing
 * below the CLI depends on the CLI. {@link #ALLOWED} states every package's allowed dependencies as
 * a table.
 */
@AnalyzeClasses(packages = "io.tributary", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  private static final String[] STREAMING = {"org.apache.flink..", "org.apache.kafka..", "kafka.."};

  @ArchTest
  static final ArchRule modelAndTrainingCodeImportNoFlinkOrKafka =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.tributary.model..",
              "io.tributary.tokenizer..",
              "io.tributary.checkpoint..",
              "io.tributary.train..",
              "io.tributary.grpo..",
              "io.tributary.tasks..",
              "io.tributary.reward..",
              "io.tributary.experiment..",
              "io.tributary.messages..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(STREAMING);

  @ArchTest
  static final ArchRule theModelDependsOnNothingAboveIt =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.tributary.train..",
              "io.tributary.grpo..",
              "io.tributary.reward..",
              "io.tributary.tasks..",
              "io.tributary.rollout..",
              "io.tributary.kafka..",
              "io.tributary.cli..");

  @ArchTest
  static final ArchRule onlyTheCliDependsOnTheCli =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.tributary.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.tributary.cli..");

  /**
   * The packages each package may depend on, beside itself and libraries: the flow reads left to
   * right, prompts -> {@code rollout} -> Kafka ({@code messages}) -> {@code learner} -> {@code
   * policy} store, with {@code run} supervising both stages and {@code cli} on top. A new arrow is
   * a design decision: add it here, in the same change, with its reason.
   */
  static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          entry("json"),
          entry("config"),
          entry("model", "config", "json", "tokenizer"),
          entry("train", "config", "model"),
          entry("tasks", "config", "json"),
          entry("chat", "json"),
          entry("tokenizer", "json"),
          entry("checkpoint", "json", "model", "tokenizer"),
          entry("hf", "checkpoint", "config", "json", "model", "tokenizer"),
          entry("messages", "config", "json", "model", "tokenizer"),
          entry("reward", "checkpoint", "config", "json", "model", "tasks", "tokenizer", "train"),
          // plug-in rewards run in child JVMs
          entry("process", "reward"),
          entry("grpo", "config", "messages", "model", "reward", "tasks", "tokenizer", "train"),
          entry(
              "policy",
              "chat",
              "checkpoint",
              "config",
              "hf",
              "json",
              "model",
              "tasks",
              "tokenizer"),
          // the tail shows the learner's advantages of each group (grpo.Advantages)
          entry("kafka", "config", "grpo", "json", "messages", "model", "process"),
          entry(
              "rollout",
              "checkpoint",
              "config",
              "hf",
              "json",
              "kafka",
              "messages",
              "model",
              "policy",
              "process",
              "reward",
              "tokenizer"),
          entry(
              "learner",
              "checkpoint",
              "config",
              "grpo",
              "json",
              "kafka",
              "messages",
              "model",
              "policy",
              "reward",
              "tokenizer"),
          entry(
              "run",
              "checkpoint",
              "config",
              "experiment",
              "grpo",
              "hf",
              "json",
              "kafka",
              "learner",
              "messages",
              "model",
              "policy",
              "reward",
              "rollout",
              "tasks",
              "tokenizer"),
          entry(
              "cluster",
              "checkpoint",
              "config",
              "json",
              "kafka",
              "messages",
              "model",
              "process",
              "reward",
              "rollout",
              "tokenizer"),
          entry(
              "experiment",
              "checkpoint",
              "config",
              "grpo",
              "json",
              "model",
              "reward",
              "tasks",
              "tokenizer",
              "train"),
          // the MoE stability experiment drives whole closed-loop runs and reads their logs
          entry("stability", "config", "experiment", "json", "model", "policy", "run", "tasks"),
          entry("serve", "chat", "checkpoint", "hf", "json", "model", "tokenizer"),
          entry("bench", "grpo", "hf", "json", "model", "reward", "train"),
          entry(
              "cli",
              "bench",
              "checkpoint",
              "cluster",
              "config",
              "experiment",
              "grpo",
              "hf",
              "json",
              "kafka",
              "model",
              "policy",
              "reward",
              "rollout",
              "run",
              "serve",
              "stability",
              "tasks",
              "tokenizer"));

  private static Map.Entry<String, Set<String>> entry(String pkg, String... allowed) {
    return Map.entry(pkg, Set.of(allowed));
  }

  @Test
  void everyPackageDependsOnlyOnThePackagesItsRowAllows() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary");
    Set<String> packages = new TreeSet<>();
    classes.forEach(c -> packages.add(topLevel(c.getPackageName())));
    packages.remove("");
    assertThat(ALLOWED.keySet()).as("every package has a row").containsAll(packages);
    List<String> violations = new ArrayList<>();
    for (String pkg : packages) {
      String[] forbidden =
          packages.stream()
              .filter(other -> !other.equals(pkg) && !ALLOWED.get(pkg).contains(other))
              .map(other -> "io.tributary." + other + "..")
              .toArray(String[]::new);
      if (forbidden.length > 0) {
        EvaluationResult result =
            noClasses()
                .that()
                .resideInAPackage("io.tributary." + pkg + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden)
                .evaluate(classes);
        violations.addAll(result.getFailureReport().getDetails());
      }
    }
    assertThat(violations).as("dependencies the table does not allow").isEmpty();
  }

  /** {@code reward.rules} belongs to {@code reward}; the root package has no row. */
  private static String topLevel(String packageName) {
    String rest = packageName.startsWith("io.tributary.") ? packageName.substring(13) : "";
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  @ArchTest
  static final ArchRule theRolloutJobLeavesAdvantagesAndTrainingToTheLearner =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.rollout..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.tributary.grpo..", "io.tributary.learner..");
}
