package io.tributary.tasks;

/** A verifier's judgement of one answer, with a reason a person can read. */
public record Verdict(Outcome outcome, String reason) {
  public static Verdict correct(String reason) {
    return new Verdict(Outcome.CORRECT, reason);
  }

  public boolean isCorrect() {
    return outcome == Outcome.CORRECT;
  }
}
