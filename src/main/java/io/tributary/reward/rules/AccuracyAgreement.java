package io.tributary.reward.rules;

import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository's own equivalence cases ({@code rewards/equivalence-cases.tsv} on the class path)
 * and how often the accuracy reward agrees with their expected verdicts, overall and per kind. The
 * same file drives the equivalence test and the {@code accuracy_agreement} of {@code tributary
 * bench rewards}. A case marked {@code all} is tried with its answer bare, in answer tags, in
 * {@code \boxed{}} and in prose, as a model would write it.
 */
public final class AccuracyAgreement {
  public static final String RESOURCE = "rewards/equivalence-cases.tsv";

  /** How an answer is wrapped into a completion. */
  public enum Wrapping {
    BARE,
    ANSWER_TAG,
    BOXED,
    PROSE,
    /** The case's answer is already a whole completion. */
    AS_IS;

    String wrap(String answer, int row) {
      return switch (this) {
        case BARE, AS_IS -> answer;
        case ANSWER_TAG ->
            "<think>Adding the parts gives 12, then 3.</think>\n<answer>" + answer + "</answer>";
        case BOXED -> "First we find 12 and 3. Putting them together, \\boxed{" + answer + "}.";
        case PROSE ->
            row % 2 == 0
                ? "We first find 12, then 3. Therefore, the final answer is $" + answer + "$."
                : "Step 1 gives 12 and step 2 gives 3, so the answer is \\(" + answer + "\\)";
      };
    }
  }

  /** One line of the file. */
  public record Case(
      int line, String kind, String gold, String answer, boolean equal, boolean asIs) {
    public List<Wrapping> wrappings() {
      return asIs
          ? List.of(Wrapping.AS_IS)
          : List.of(Wrapping.BARE, Wrapping.ANSWER_TAG, Wrapping.BOXED, Wrapping.PROSE);
    }
  }

  /** One case in one wrapping, and whether the reward agreed. */
  public record Outcome(Case source, Wrapping wrapping, String completion, boolean agreed) {}

  /** Agreement counts of one kind. */
  public record KindAgreement(String kind, int agreed, int total) {
    public double rate() {
      return total == 0 ? Double.NaN : (double) agreed / total;
    }
  }

  public record Report(List<Outcome> outcomes, List<KindAgreement> kinds) {
    public int agreed() {
      return (int) outcomes.stream().filter(Outcome::agreed).count();
    }

    public double rate() {
      return (double) agreed() / outcomes.size();
    }

    public List<Outcome> disagreements() {
      return outcomes.stream().filter(o -> !o.agreed()).toList();
    }
  }

  private AccuracyAgreement() {}

  public static List<Case> load() {
    InputStream in = AccuracyAgreement.class.getClassLoader().getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is not on the class path");
    }
    List<Case> cases = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        cases.add(parse(line, number));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE, e);
    }
    return List.copyOf(cases);
  }

  private static Case parse(String line, int number) {
    String[] f = line.split("\t", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException(
          RESOURCE + " line " + number + ": got " + f.length + " tab-separated fields, expected 5");
    }
    boolean equal =
        switch (f[3]) {
          case "equal" -> true;
          case "different" -> false;
          default ->
              throw new IllegalArgumentException(
                  RESOURCE
                      + " line "
                      + number
                      + ": expected 'equal' or 'different', got '"
                      + f[3]
                      + "'");
        };
    boolean asIs =
        switch (f[4]) {
          case "all" -> false;
          case "as-is" -> true;
          default ->
              throw new IllegalArgumentException(
                  RESOURCE
                      + " line "
                      + number
                      + ": expected wrap 'all' or 'as-is', got '"
                      + f[4]
                      + "'");
        };
    return new Case(number, f[0], f[1], f[2], equal, asIs);
  }

  /** Scores every case in every wrapping with the given reward. */
  public static Report measure(AccuracyReward reward, List<Case> cases) {
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, int[]> perKind = new LinkedHashMap<>();
    for (Case c : cases) {
      for (Wrapping wrapping : c.wrappings()) {
        String completion = wrapping.wrap(c.answer(), c.line());
        RewardResult result = reward.score(Rollout.of("q", completion, Map.of("answer", c.gold())));
        boolean scoredEqual = result instanceof RewardResult.Score s && s.value() > 0.5;
        boolean agreed = result instanceof RewardResult.Score && scoredEqual == c.equal();
        outcomes.add(new Outcome(c, wrapping, completion, agreed));
        int[] counts = perKind.computeIfAbsent(c.kind(), k -> new int[2]);
        counts[0] += agreed ? 1 : 0;
        counts[1]++;
      }
    }
    List<KindAgreement> kinds = new ArrayList<>();
    perKind.forEach((kind, counts) -> kinds.add(new KindAgreement(kind, counts[0], counts[1])));
    return new Report(List.copyOf(outcomes), List.copyOf(kinds));
  }

  /** The built-in accuracy reward on the repository's cases. */
  public static Report measure() {
    return measure(new AccuracyReward(), load());
  }
}
