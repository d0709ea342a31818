package io.tributary.messages;

import io.tributary.model.FinishReason;
import io.tributary.model.RoutingTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Telling sample messages for tests in any package. */
public final class MessageFixtures {
  public static final long T0 = 1_764_300_000_000L;

  private MessageFixtures() {}

  public static PromptMessage gsm8kPrompt() {
    return new PromptMessage(
        "gsm8k-17",
        "Natalia sold clips to 48 of her friends in April, and then half as many in May. How many?",
        "gsm8k",
        "72",
        Map.of("split", "train"),
        T0);
  }

  /** Member {@code index} of a group of four: even members are right, member 3 was cut short. */
  public static ScoredGroup.Member member(int index, long policyVersion) {
    Map<String, Double> rewards = new LinkedHashMap<>();
    rewards.put("accuracy", index % 2 == 0 ? 1.0 : 0.0);
    rewards.put("format", 0.5);
    rewards.put("reward_model", null); // not applicable to this task
    return new ScoredGroup.Member(
        "<think>6 * 12 = 72</think><answer>72</answer>",
        new int[] {101, 7, 42, 9, 2},
        new float[] {-0.25f, -1.5f, -0.01f, -3.75f, -0.5f},
        index == 3 ? FinishReason.LENGTH : FinishReason.STOP,
        policyVersion,
        rewards,
        Map.of(),
        index % 2 == 0 ? 1.5 : 0.5);
  }

  /** The four sampling settings every fixture group was drawn with. */
  public static SamplingConfig samplingOfFour() {
    return new SamplingConfig(4, 1.0, 1.0, 0, 5, List.of());
  }

  /** A scored group of four for {@code promptId}, sampled by policy version 3. */
  public static ScoredGroup group(String promptId) {
    return group(promptId + "@p0o0", promptId, 3);
  }

  public static ScoredGroup group(String groupId, String promptId, long policyVersion) {
    List<ScoredGroup.Member> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      members.add(member(i, policyVersion));
    }
    return withMembers(groupId, promptId, members);
  }

  public static ScoredGroup withMembers(
      String groupId, String promptId, List<ScoredGroup.Member> members) {
    return new ScoredGroup(
        ScoredGroup.SCHEMA_VERSION,
        groupId,
        promptId,
        "gsm8k",
        "What is 6 * 12?",
        new int[] {1, 30, 11, 44, 12, 13, 20},
        "72",
        Map.of("split", "train"),
        samplingOfFour().withGroupSize(members.size()),
        members,
        T0,
        T0 + 250);
  }

  /**
   * The group of {@link #group(String)} as an MoE policy of 3 MoE layers, top-2 of 8 experts,
   * sampled it with recording on: the prompt's routing once, each member's own.
   */
  public static ScoredGroup groupWithRouting(String promptId) {
    ScoredGroup g = group(promptId);
    List<ScoredGroup.Member> members = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      ScoredGroup.Member m = g.members().get(i);
      members.add(
          new ScoredGroup.Member(
              m.completion(),
              m.completionTokenIds(),
              m.behaviourLogProbs(),
              m.finishReason(),
              m.policyVersion(),
              m.rewards(),
              m.rewardErrors(),
              m.totalReward(),
              routing(m.length(), i)));
    }
    return new ScoredGroup(
        g.schemaVersion(),
        g.groupId(),
        g.promptId(),
        g.task(),
        g.prompt(),
        g.promptTokenIds(),
        g.answer(),
        g.fields(),
        g.sampling(),
        members,
        g.createdAtMillis(),
        g.scoredAtMillis(),
        routing(g.promptTokenIds().length - 1, 7));
  }

  /** {@code tokens} entries of 3 layers x top-2 of 8 experts, every id used. */
  public static RoutingTrace routing(int tokens, int salt) {
    int[] ids = new int[tokens * 3 * 2];
    for (int i = 0; i < ids.length; i += 2) {
      ids[i] = (i / 2 + salt) % 8;
      ids[i + 1] = (i / 2 + salt + 3) % 8;
    }
    return RoutingTrace.pack(3, 2, 8, ids);
  }

  /** A group whose member 1 has no accuracy score: the function failed on it. */
  public static ScoredGroup groupWithFailedReward() {
    ScoredGroup g = group("gsm8k-17");
    List<ScoredGroup.Member> members = new ArrayList<>(g.members());
    ScoredGroup.Member m = members.get(1);
    Map<String, Double> rewards = new LinkedHashMap<>(m.rewards());
    rewards.put("accuracy", null);
    members.set(
        1,
        new ScoredGroup.Member(
            m.completion(),
            m.completionTokenIds(),
            m.behaviourLogProbs(),
            m.finishReason(),
            m.policyVersion(),
            rewards,
            Map.of("accuracy", "answer parser: no <answer> tag"),
            Double.NaN));
    return withMembers(g.groupId(), g.promptId(), members);
  }

  public static PolicyVersionEvent policyVersion() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.125);
    metrics.put("kl", 0.003);
    metrics.put("meanReward", 0.75);
    return new PolicyVersionEvent(
        4, "/runs/r1/policy/v000004", "ab".repeat(32), 40, metrics, T0 + 1000);
  }

  public static DeadLetter deadLetterFromTopic() {
    return new DeadLetter(
        DeadLetter.SourceKind.TOPIC, "prompts", 2, 1234, "{\"promptId\": 7", "not valid JSON", T0);
  }

  public static DeadLetter deadLetterFromFile() {
    return new DeadLetter(
        DeadLetter.SourceKind.FILE,
        "datasets/gsm8k/train.jsonl",
        null,
        18,
        "{}",
        "prompt: field 'promptId': missing",
        T0);
  }
}
