package io.tributary.stream;

import io.tributary.messages.DeadLetter;
import java.util.List;

/**
 * What scoring made of one sampled group: its G members, each with a total, on their way to the
 * group assembler; or, when a reward function threw or timed out on a member (after any rescoring
 * attempts), the group's dead letter, so that it never reaches the scored-rollouts topic.
 */
public sealed interface ScoringOutcome {
  record Scored(List<ScoredMember> members) implements ScoringOutcome {
    public Scored {
      members = List.copyOf(members);
    }
  }

  /** The letter's reason names the group, each member without a total, its functions and errors. */
  record Unscored(DeadLetter letter) implements ScoringOutcome {}
}
