package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.reward.rules.AccuracyAgreement.Case;
import io.tributary.reward.rules.AccuracyAgreement.KindAgreement;
import io.tributary.reward.rules.AccuracyAgreement.Outcome;
import io.tributary.reward.rules.AccuracyAgreement.Report;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The accuracy reward against the repository's equivalence cases (rewards/equivalence-cases.tsv):
 * every case must agree, in every wrapping. A case the reward cannot meet is moved, with its
 * reason, to the "not supported" table of docs/rewards.md rather than left failing.
 */
class AccuracyAgreementTest {
  private static List<Case> cases;
  private static Report report;

  @BeforeAll
  static void measure() {
    cases = AccuracyAgreement.load();
    report = AccuracyAgreement.measure(new AccuracyReward(), cases);
    System.out.println("accuracy agreement per kind on " + AccuracyAgreement.RESOURCE + ":");
    for (KindAgreement k : report.kinds()) {
      System.out.printf("  %-14s %4d / %-4d%n", k.kind(), k.agreed(), k.total());
    }
    System.out.printf("  %-14s %4d / %-4d%n", "all", report.agreed(), report.outcomes().size());
  }

  @Test
  void agreesWithEveryCaseInEveryWrapping() {
    List<String> disagreements =
        report.disagreements().stream().map(AccuracyAgreementTest::describe).toList();

    assertThat(disagreements).isEmpty();
  }

  @Test
  void coversTheKindsOfTheIssueWithBothVerdicts() {
    Set<String> kinds = cases.stream().map(Case::kind).collect(Collectors.toSet());
    assertThat(kinds)
        .contains(
            "integer",
            "big-integer",
            "decimal",
            "fraction",
            "thousands",
            "decimal-comma",
            "percent",
            "scientific",
            "plus-minus",
            "latex",
            "sqrt",
            "power",
            "constant",
            "unit",
            "currency",
            "degree",
            "tuple",
            "set",
            "interval",
            "union",
            "matrix",
            "list",
            "assignment",
            "equation",
            "inequality",
            "membership",
            "symbolic",
            "text",
            "base",
            "extraction",
            "hack");
    Map<String, Set<Boolean>> verdicts =
        cases.stream()
            .collect(
                Collectors.groupingBy(
                    Case::kind, Collectors.mapping(Case::equal, Collectors.toSet())));
    verdicts.forEach(
        (kind, seen) -> assertThat(seen).as("verdicts of kind " + kind).contains(true, false));
    assertThat(cases).hasSizeGreaterThanOrEqualTo(250);
    assertThat(cases.stream().filter(c -> !c.asIs()).count()).isGreaterThanOrEqualTo(200);
  }

  @Test
  void triesEachPlainCaseBareInTagsInABoxAndInProse() {
    Case plain = cases.stream().filter(c -> !c.asIs()).findFirst().orElseThrow();

    List<Outcome> tried = report.outcomes().stream().filter(o -> o.source().equals(plain)).toList();

    assertThat(tried)
        .extracting(Outcome::wrapping)
        .containsExactly(
            AccuracyAgreement.Wrapping.BARE,
            AccuracyAgreement.Wrapping.ANSWER_TAG,
            AccuracyAgreement.Wrapping.BOXED,
            AccuracyAgreement.Wrapping.PROSE);
    assertThat(tried.get(1).completion()).contains("<answer>" + plain.answer() + "</answer>");
    assertThat(tried.get(2).completion()).contains("\\boxed{" + plain.answer() + "}");
  }

  @Test
  void countsADisagreementForEveryVerdictThatIsWrong() {
    // the measure can fail: with every expected verdict flipped, no case agrees
    List<Case> flipped =
        cases.stream()
            .map(c -> new Case(c.line(), c.kind(), c.gold(), c.answer(), !c.equal(), c.asIs()))
            .toList();

    Report wrong = AccuracyAgreement.measure(new AccuracyReward(), flipped);

    assertThat(wrong.agreed()).isEqualTo(report.outcomes().size() - report.agreed());
  }

  private static String describe(Outcome o) {
    Case c = o.source();
    return "line "
        + c.line()
        + " ("
        + c.kind()
        + ", "
        + o.wrapping()
        + "): gold '"
        + c.gold()
        + "' vs '"
        + o.completion()
        + "' expected "
        + (c.equal() ? "equal" : "different");
  }
}
