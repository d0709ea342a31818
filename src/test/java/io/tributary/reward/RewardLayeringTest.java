package io.tributary.reward;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rewards are plain Java, so the pipeline and the learner can both use them. Only the model-based
 * rewards of {@code io.tributary.reward.model} run a network and so may use DJL; the core reward
 * API and the rule rewards stay DJL-free, and no reward touches Flink or Kafka.
 */
@AnalyzeClasses(
    packages = "io.tributary.reward",
    importOptions = ImportOption.DoNotIncludeTests.class)
class RewardLayeringTest {
  @ArchTest
  static final ArchRule rewardsUseNoFlinkOrKafka =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.reward..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..");

  @ArchTest
  static final ArchRule onlyModelBasedRewardsUseDjl =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.reward..")
          .and()
          .resideOutsideOfPackage("io.tributary.reward.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("ai.djl..");
}
