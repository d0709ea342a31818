package io.tributary.messages;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One sampled completion of a prompt, scored and placed in its group: what the learner trains on.
 * The G members of a group share {@code groupId} and {@code promptId}; the advantage is the
 * member's group-normalised reward (DeepSeekMath, Shao et al. 2024, eq. 3 of section 4.1.2).
 *
 * <p>Arrays are not copied (a rollout carries hundreds of tokens): treat them as read-only. equals
 * and hashCode compare array contents.
 *
 * @param groupId one group of G samples of a prompt; a prompt seen in two epochs has two groups
 * @param completionTokenIds the sampled tokens, without the prompt
 * @param behaviourLogProbs log π_behaviour(token) of each sampled token under {@code
 *     policyVersion}, the π_old of the importance ratio when the learner is ahead
 * @param policyVersion the policy version that sampled this completion
 * @param rewards each reward function's score; null where the function does not apply or failed
 * @param rewardErrors the error of each reward function that failed (absent when none failed)
 * @param totalReward the weighted combination of {@code rewards}; NaN travels as null
 * @param advantage the group advantage; NaN travels as null
 * @param answer the gold answer of the prompt, or null
 * @param fields the prompt's other task fields
 */
public record ScoredRollout(
    int schemaVersion,
    String rolloutId,
    String promptId,
    String groupId,
    int sampleIndex,
    int groupSize,
    String prompt,
    String completion,
    int[] completionTokenIds,
    double[] behaviourLogProbs,
    FinishReason finishReason,
    long policyVersion,
    Map<String, Double> rewards,
    Map<String, String> rewardErrors,
    double totalReward,
    double advantage,
    String task,
    String answer,
    Map<String, String> fields,
    long createdAtMillis,
    long scoredAtMillis)
    implements Message {
  public static final int SCHEMA_VERSION = 1;

  public ScoredRollout {
    Require.schemaVersion("scored rollout", schemaVersion, SCHEMA_VERSION);
    Require.text("rolloutId", rolloutId);
    Require.text("promptId", promptId);
    Require.text("groupId", groupId);
    if (groupSize < 1) {
      throw new IllegalArgumentException(
          "field 'groupSize': got " + groupSize + ", expected a number >= 1");
    }
    if (sampleIndex < 0 || sampleIndex >= groupSize) {
      throw new IllegalArgumentException(
          "field 'sampleIndex': got "
              + sampleIndex
              + ", expected a number in [0, groupSize="
              + groupSize
              + ")");
    }
    Require.present("prompt", prompt);
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
    Require.text("task", task);
    fields = Require.copy("fields", fields);
    Require.nonNegative("createdAtMillis", createdAtMillis);
    Require.nonNegative("scoredAtMillis", scoredAtMillis);
  }

  /** The rollout's prompt id: every member of a group lands in the same partition. */
  @Override
  public String key() {
    return promptId;
  }

  public int completionLength() {
    return completionTokenIds.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredRollout r
        && schemaVersion == r.schemaVersion
        && sampleIndex == r.sampleIndex
        && groupSize == r.groupSize
        && policyVersion == r.policyVersion
        && Double.compare(totalReward, r.totalReward) == 0
        && Double.compare(advantage, r.advantage) == 0
        && createdAtMillis == r.createdAtMillis
        && scoredAtMillis == r.scoredAtMillis
        && rolloutId.equals(r.rolloutId)
        && promptId.equals(r.promptId)
        && groupId.equals(r.groupId)
        && prompt.equals(r.prompt)
        && completion.equals(r.completion)
        && Arrays.equals(completionTokenIds, r.completionTokenIds)
        && Arrays.equals(behaviourLogProbs, r.behaviourLogProbs)
        && finishReason == r.finishReason
        && rewards.equals(r.rewards)
        && rewardErrors.equals(r.rewardErrors)
        && task.equals(r.task)
        && Objects.equals(answer, r.answer)
        && fields.equals(r.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rolloutId, promptId, groupId, sampleIndex, policyVersion, completion);
  }

  @Override
  public String toString() {
    return "ScoredRollout[rolloutId=%s, promptId=%s, groupId=%s, sample=%d/%d, version=%d, finish=%s, tokens=%d, totalReward=%s, advantage=%s, rewards=%s, errors=%s]"
        .formatted(
            rolloutId,
            promptId,
            groupId,
            sampleIndex,
            groupSize,
            policyVersion,
            finishReason.wireName(),
            completionTokenIds.length,
            totalReward,
            advantage,
            rewards,
            rewardErrors);
  }
}
