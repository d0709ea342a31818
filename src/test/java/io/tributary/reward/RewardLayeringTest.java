package io.tributary.reward;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Rewards are plain Java, so the pipeline and the learner can both use them (issue 4). */
@AnalyzeClasses(
    packages = "io.tributary.reward",
    importOptions = ImportOption.DoNotIncludeTests.class)
class RewardLayeringTest {
  @ArchTest
  static final ArchRule rewardsUseNoFlinkKafkaOrDjl =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.reward..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..", "ai.djl..");
}
