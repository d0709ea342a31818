package io.tributary.messages;

import java.util.LinkedHashMap;
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

  /** Sample {@code index} of a group of four for prompt {@code promptId}. */
  public static ScoredRollout rollout(String promptId, int index) {
    Map<String, Double> rewards = new LinkedHashMap<>();
    rewards.put("accuracy", index % 2 == 0 ? 1.0 : 0.0);
    rewards.put("format", 0.5);
    rewards.put("reward_model", null); // not applicable to this task
    return new ScoredRollout(
        ScoredRollout.SCHEMA_VERSION,
        promptId + "/g0/" + index,
        promptId,
        promptId + "/g0",
        index,
        4,
        "What is 6 * 12?",
        "<think>6 * 12 = 72</think><answer>72</answer>",
        new int[] {101, 7, 42, 9, 2},
        new double[] {-0.25, -1.5, -0.01, -3.75, -0.5},
        index == 3 ? FinishReason.LENGTH : FinishReason.STOP,
        3,
        rewards,
        Map.of(),
        index % 2 == 0 ? 1.5 : 0.5,
        index % 2 == 0 ? 0.8660254 : -0.8660254,
        "gsm8k",
        "72",
        Map.of("split", "train"),
        T0,
        T0 + 250);
  }

  public static ScoredRollout rolloutWithFailedReward() {
    ScoredRollout r = rollout("gsm8k-17", 1);
    Map<String, Double> rewards = new LinkedHashMap<>(r.rewards());
    rewards.put("accuracy", null);
    return new ScoredRollout(
        r.schemaVersion(),
        r.rolloutId(),
        r.promptId(),
        r.groupId(),
        r.sampleIndex(),
        r.groupSize(),
        r.prompt(),
        r.completion(),
        r.completionTokenIds(),
        r.behaviourLogProbs(),
        r.finishReason(),
        r.policyVersion(),
        rewards,
        Map.of("accuracy", "answer parser: no <answer> tag"),
        r.totalReward(),
        r.advantage(),
        r.task(),
        null,
        r.fields(),
        r.createdAtMillis(),
        r.scoredAtMillis());
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
