package io.tributary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of STYLE.md rule 8, checked rather than hoped for: model, training and reward code
 * never import Flink or Kafka; only the stream and loop layers wire them; nothing below the CLI
 * depends on the CLI.
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
}
