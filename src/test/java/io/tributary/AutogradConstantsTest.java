package io.tributary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * DJL's Number overloads ({@code x.mul(2f)}, {@code div}, {@code maximum}, {@code minimum}, {@code
 * pow}) wrap the constant over a Java buffer, run the op and free the constant at once; autograd
 * keeps it for the backward, which then reads freed memory (wrong, often NaN, gradients when a GC
 * runs in between). Code that builds graphs uses {@link io.tributary.model.Scalars}, which keeps
 * the constant in the step's manager. Only the optimizer, which updates under no-grad, may call the
 * overloads.
 */
@AnalyzeClasses(packages = "io.tributary", importOptions = ImportOption.DoNotIncludeTests.class)
class AutogradConstantsTest {
  private static final String[] NO_GRAPH = {
    "io.tributary.model.Scalars", "io.tributary.train.AdamW",
  };

  @ArchTest
  static final ArchRule graphBuildingCodeKeepsItsConstantsAlive =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.tributary.model..",
              "io.tributary.train..",
              "io.tributary.grpo..",
              "io.tributary.reward.model..")
          .and()
          .doNotHaveFullyQualifiedName(NO_GRAPH[0])
          .and()
          .doNotHaveFullyQualifiedName(NO_GRAPH[1])
          .should()
          .callMethod(NDArray.class, "mul", Number.class)
          .orShould()
          .callMethod(NDArray.class, "div", Number.class)
          .orShould()
          .callMethod(NDArray.class, "maximum", Number.class)
          .orShould()
          .callMethod(NDArray.class, "minimum", Number.class)
          .orShould()
          .callMethod(NDArray.class, "pow", Number.class)
          .because("autograd saves the constant, which DJL frees right after the op");
}
