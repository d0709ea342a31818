package io.tributary.messages;

import java.util.List;
import java.util.Map;

/**
 * The payload of the dead letter of a group that could not be scored: a reward function threw or
 * timed out on at least one member (after any rescoring attempts), so that member has no total and
 * the group no advantages. The letter's source is the prompt's place in the prompts topic (or file)
 * and its reason names each failed function and its error; this payload keeps every member's
 * completion and whatever scores it did get, so the failure can be reproduced offline.
 *
 * @param members every member of the group, in sample order
 */
public record UnscoredGroup(
    String groupId,
    String promptId,
    String prompt,
    long policyVersion,
    int groupSize,
    List<Member> members) {
  public UnscoredGroup {
    Require.text("groupId", groupId);
    Require.text("promptId", promptId);
    Require.present("prompt", prompt);
    Require.nonNegative("policyVersion", policyVersion);
    members = List.copyOf(Require.present("members", members));
  }

  /**
   * One member: its completion, each function's score (null where it did not apply or failed) and
   * the error of each function that failed on it (empty for a member that was scored).
   */
  public record Member(
      int sampleIndex,
      String completion,
      Map<String, Double> rewards,
      Map<String, String> rewardErrors) {
    public Member {
      Require.nonNegative("sampleIndex", sampleIndex);
      Require.present("completion", completion);
      rewards = Require.copy("rewards", rewards);
      rewardErrors = Require.copy("rewardErrors", rewardErrors);
    }
  }
}
