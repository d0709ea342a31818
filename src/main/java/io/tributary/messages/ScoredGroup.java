package io.tributary.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.tributary.model.FinishReason;
import io.tributary.model.RoutingTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One prompt's G completions, sampled together and scored as a group: the unit on the scored-groups
 * topic, what the learner trains on. It carries rewards, not advantages: the learner computes those
 * from its own scaling and penalties (a consumer who wants them calls {@code
 * io.tributary.grpo.Advantages.forGroup}).
 *
 * <p>Arrays are not copied (a group carries thousands of tokens): treat them as read-only. equals
 * and hashCode compare array contents.
 *
 * @param groupId {@code <promptId>@<origin>}: the prompt and its place in the input, so a replay
 *     after a restart gives the same id and a prompt sent twice two groups
 * @param promptTokenIds the prompt as the policy saw it ({@code [BOS] + encode(prompt)}), tokenized
 *     once by the rollout job
 * @param answer the gold answer, or null when the task has none
 * @param fields the prompt's other task fields
 * @param sampling how the members were drawn; the learner refuses a group drawn with another spec
 * @param members the G completions, in sample order ({@code sampling.groupSize} of them)
 * @param createdAtMillis when the completions were generated
 * @param scoredAtMillis when the group was scored
 * @param promptRouting the experts of the prompt positions before the last (P − 1 entries), once
 *     for the group: its G members are rows of one batched prefill by one policy version, so they
 *     route the prompt alike; null for a dense policy or with recording off, and then no member
 *     carries a trace
 */
public record ScoredGroup(
    int schemaVersion,
    String groupId,
    String promptId,
    String task,
    String prompt,
    int[] promptTokenIds,
    String answer,
    Map<String, String> fields,
    SamplingConfig sampling,
    List<Member> members,
    long createdAtMillis,
    long scoredAtMillis,
    RoutingTrace promptRouting)
    implements Message {
  public static final int SCHEMA_VERSION = 1;

  public ScoredGroup {
    Require.schemaVersion("scored group", schemaVersion, SCHEMA_VERSION);
    Require.text("groupId", groupId);
    Require.text("promptId", promptId);
    Require.text("task", task);
    Require.present("prompt", prompt);
    Require.present("promptTokenIds", promptTokenIds);
    fields = Require.copy("fields", fields);
    Require.present("sampling", sampling);
    members = List.copyOf(Require.present("members", members));
    if (members.size() != sampling.groupSize()) {
      throw new IllegalArgumentException(
          "field 'members': got "
              + members.size()
              + " members, expected sampling.groupSize="
              + sampling.groupSize());
    }
    Require.nonNegative("createdAtMillis", createdAtMillis);
    Require.nonNegative("scoredAtMillis", scoredAtMillis);
    checkRouting(promptRouting, promptTokenIds.length, members);
  }

  /** A group without routing traces (a dense policy, or recording off). */
  public ScoredGroup(
      int schemaVersion,
      String groupId,
      String promptId,
      String task,
      String prompt,
      int[] promptTokenIds,
      String answer,
      Map<String, String> fields,
      SamplingConfig sampling,
      List<Member> members,
      long createdAtMillis,
      long scoredAtMillis) {
    this(
        schemaVersion,
        groupId,
        promptId,
        task,
        prompt,
        promptTokenIds,
        answer,
        fields,
        sampling,
        members,
        createdAtMillis,
        scoredAtMillis,
        null);
  }

  /** True when the group carries the sampler's routing: the prompt's and every member's. */
  public boolean hasRouting() {
    return promptRouting != null;
  }

  /**
   * One completion of the group and its scores.
   *
   * @param completion the generated text, without the prompt
   * @param completionTokenIds the sampled tokens, without the prompt (a final stop token included)
   * @param behaviourLogProbs log π(token) under {@code policyVersion} when it was sampled: π_old of
   *     the importance ratio once the learner has moved on; NaN travels as null
   * @param policyVersion the policy version that sampled this completion
   * @param rewards each reward function's score; null where the function does not apply or failed
   * @param rewardErrors the error of each reward function that failed (empty when none did)
   * @param totalReward the weighted combination of {@code rewards}; NaN (null on the wire) when a
   *     function failed, and such a group is never trained
   * @param routing the experts each completion token was drawn through, one entry per token; null
   *     (absent on the wire) exactly when the group has no {@code promptRouting}
   */
  public record Member(
      String completion,
      int[] completionTokenIds,
      @JsonDeserialize(using = NullAsNaN.FloatArray.class) float[] behaviourLogProbs,
      FinishReason finishReason,
      long policyVersion,
      Map<String, Double> rewards,
      Map<String, String> rewardErrors,
      @JsonDeserialize(using = NullAsNaN.Number.class) double totalReward,
      RoutingTrace routing) {
    public Member {
      Require.present("completion", completion);
      Require.present("completionTokenIds", completionTokenIds);
      Require.present("behaviourLogProbs", behaviourLogProbs);
      if (behaviourLogProbs.length != completionTokenIds.length) {
        throw new IllegalArgumentException(
            "field 'behaviourLogProbs': got "
                + behaviourLogProbs.length
                + " values, expected one per completion token ("
                + completionTokenIds.length
                + ")");
      }
      Require.present("finishReason", finishReason);
      Require.nonNegative("policyVersion", policyVersion);
      rewards = Require.copy("rewards", rewards);
      rewardErrors = Require.copy("rewardErrors", rewardErrors);
      if (routing != null && routing.tokens() != completionTokenIds.length) {
        throw new IllegalArgumentException(
            "field 'routing': covers "
                + routing.tokens()
                + " tokens, expected one entry per completion token ("
                + completionTokenIds.length
                + ")");
      }
    }

    /** A member without a routing trace. */
    public Member(
        String completion,
        int[] completionTokenIds,
        float[] behaviourLogProbs,
        FinishReason finishReason,
        long policyVersion,
        Map<String, Double> rewards,
        Map<String, String> rewardErrors,
        double totalReward) {
      this(
          completion,
          completionTokenIds,
          behaviourLogProbs,
          finishReason,
          policyVersion,
          rewards,
          rewardErrors,
          totalReward,
          null);
    }

    /** True when every reward function scored this member: it has a total and no error. */
    @JsonIgnore // derived, not a field on the wire
    public boolean isScored() {
      return rewardErrors.isEmpty() && Double.isFinite(totalReward);
    }

    public int length() {
      return completionTokenIds.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Member m
          && policyVersion == m.policyVersion
          && Double.compare(totalReward, m.totalReward) == 0
          && completion.equals(m.completion)
          && Arrays.equals(completionTokenIds, m.completionTokenIds)
          && Arrays.equals(behaviourLogProbs, m.behaviourLogProbs)
          && finishReason == m.finishReason
          && rewards.equals(m.rewards)
          && rewardErrors.equals(m.rewardErrors)
          && Objects.equals(routing, m.routing);
    }

    @Override
    public int hashCode() {
      return Objects.hash(completion, policyVersion, Arrays.hashCode(completionTokenIds));
    }

    @Override
    public String toString() {
      return "Member[version=%d, finish=%s, tokens=%d, total=%s, rewards=%s, errors=%s]"
          .formatted(
              policyVersion,
              finishReason.wireName(),
              completionTokenIds.length,
              totalReward,
              rewards,
              rewardErrors);
    }
  }

  /** The group's prompt id: a prompt's groups land in one partition, in order. */
  @Override
  public String key() {
    return promptId;
  }

  public int size() {
    return members.size();
  }

  /** The members' totals, in sample order (NaN for a member that was not scored). */
  public double[] totals() {
    return members.stream().mapToDouble(Member::totalReward).toArray();
  }

  /** True when every member has a total and no reward error. */
  @JsonIgnore // derived, not a field on the wire
  public boolean isScored() {
    return members.stream().allMatch(Member::isScored);
  }

  /** The oldest policy version among the members: the group's age is counted from it. */
  public long policyVersion() {
    return members.stream().mapToLong(Member::policyVersion).min().orElseThrow();
  }

  /**
   * Why the group is not scored: each member without a total and its failed functions, e.g. {@code
   * member 2: reward 'accuracy': timed out after 2000 ms}; empty for a scored group.
   */
  public String scoringFailure() {
    List<String> why = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      if (!m.isScored()) {
        why.add(
            "member "
                + i
                + ": "
                + (m.rewardErrors().isEmpty()
                    ? "no total reward"
                    : describeErrors(m.rewardErrors())));
      }
    }
    return String.join("; ", why);
  }

  /** Traces all present or all absent, each of the prompt's or its completion's length. */
  private static void checkRouting(RoutingTrace prompt, int promptTokens, List<Member> members) {
    if (prompt != null && prompt.tokens() != promptTokens - 1) {
      throw new IllegalArgumentException(
          "field 'promptRouting': covers "
              + prompt.tokens()
              + " tokens, expected the prompt's positions before its last ("
              + (promptTokens - 1)
              + ")");
    }
    for (int i = 0; i < members.size(); i++) {
      RoutingTrace routing = members.get(i).routing();
      if ((routing == null) != (prompt == null)) {
        throw new IllegalArgumentException(
            "field 'members["
                + i
                + "].routing': "
                + (routing == null ? "absent" : "present")
                + ", expected it "
                + (prompt == null ? "absent" : "present")
                + " like the group's promptRouting (all traces or none)");
      }
      if (routing != null
          && (routing.moeLayers() != prompt.moeLayers()
              || routing.topK() != prompt.topK()
              || routing.experts() != prompt.experts())) {
        throw new IllegalArgumentException(
            "field 'members["
                + i
                + "].routing': "
                + routing
                + " is of another model than promptRouting "
                + prompt);
      }
    }
  }

  private static String describeErrors(Map<String, String> errors) {
    List<String> parts = new ArrayList<>();
    errors.forEach((name, error) -> parts.add("reward '" + name + "': " + error));
    return String.join("; ", parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredGroup g
        && schemaVersion == g.schemaVersion
        && createdAtMillis == g.createdAtMillis
        && scoredAtMillis == g.scoredAtMillis
        && groupId.equals(g.groupId)
        && promptId.equals(g.promptId)
        && task.equals(g.task)
        && prompt.equals(g.prompt)
        && Arrays.equals(promptTokenIds, g.promptTokenIds)
        && Objects.equals(answer, g.answer)
        && fields.equals(g.fields)
        && sampling.equals(g.sampling)
        && members.equals(g.members)
        && Objects.equals(promptRouting, g.promptRouting);
  }

  @Override
  public int hashCode() {
    return Objects.hash(groupId, promptId, members);
  }

  @Override
  public String toString() {
    return "ScoredGroup[groupId=%s, promptId=%s, task=%s, members=%s, sampling=%s]"
        .formatted(groupId, promptId, task, members, sampling);
  }
}
