package io.tributary.messages;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The message records are shared by the model side, Flink and Kafka: they depend on none. */
class MessagesLayeringTest {
  private static final JavaClasses MESSAGES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.tributary.messages");

  @Test
  void messagesImportNeitherKafkaNorFlinkNorDjl() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "kafka..",
            "org.apache.flink..",
            "ai.djl..",
            "io.tributary.kafka..")
        .check(MESSAGES);
  }
}
