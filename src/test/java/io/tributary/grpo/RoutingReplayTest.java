package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.util.Pair;
import io.tributary.hf.HfImport;
import io.tributary.model.Completion;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingTrace;
import io.tributary.model.TinyModels;
import io.tributary.reward.RewardScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routing replay end to end: the sampler records each completion token's experts while decoding
 * with the KV cache, and the learner's full forward replays them, so that sampler and learner
 * compute the same function of the same weights. Checked on the project's own MoE (softmax gates
 * with and without renormalisation, DeepSeek-V3's sigmoid gates with group-limited routing and a
 * routed scale) and on the imported qwen3_moe, mixtral and deepseek_v3 fixtures.
 */
class RoutingReplayTest {
  /** Numerical floor of a log-prob recomputed by another forward (KV cache vs full, fp32). */
  static final double LOG_PROB_FLOOR = 1e-4;

  static Stream<Arguments> policies() {
    ModelConfig own = GrpoTrainerTest.tiny();
    return Stream.of(
        policy("own MoE, renormalised softmax gates", () -> PolicyModel.create(own, 1)),
        policy(
            "own MoE, softmax gates without renormalisation",
            () -> PolicyModel.create(own.toBuilder().normalizeTopK(false).build(), 1)),
        policy(
            "own MoE as DeepSeek-V3",
            () -> PolicyModel.create(TinyModels.forCharTokenizerWithDeepSeekV3Options(), 1)),
        policy("qwen3_moe", () -> imported("qwen3_moe")),
        policy("mixtral", () -> imported("mixtral")),
        policy("deepseek_v3", () -> imported("deepseek_v3")));
  }

  static Arguments policy(String name, Supplier<PolicyModel> create) {
    return Arguments.of(name, create);
  }

  static PolicyModel imported(String family) {
    return HfImport.load(Path.of("src/test/resources/hf", family));
  }

  static List<RolloutGroup> sampleRecordingRoutes(PolicyModel policy, RewardScorer scorer) {
    return new GroupSampler(
            GrpoTrainerTest.TOKENIZER, scorer, GrpoTrainerTest.sampling(), 4, 7, true)
        .sample(policy, GrpoTrainerTest.prompts(), 0, 0);
  }

  static GrpoTrainer trainer(PolicyModel policy, RoutingReplay replay) {
    return new GrpoTrainer(
        policy,
        null,
        GrpoTrainerTest.config(0, 1, 1).withRoutingReplay(replay),
        GrpoTrainerTest.sampling(),
        GrpoTrainerTest.TOKENIZER.pad());
  }

  static List<Completion> completions(List<RolloutGroup> groups) {
    return groups.stream().flatMap(g -> g.completions().stream()).toList();
  }

  static double maxLogProbGap(List<Completion> sampled, List<float[]> learned) {
    double max = 0;
    for (int i = 0; i < sampled.size(); i++) {
      for (int j = 0; j < sampled.get(i).length(); j++) {
        max = Math.max(max, Math.abs(sampled.get(i).logProbs()[j] - learned.get(i)[j]));
      }
    }
    return max;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void atTheSamePolicyVersionReplayKeepsTheSamplersRoutingAndLogProbs(
      String name, Supplier<PolicyModel> create) {
    try (PolicyModel policy = create.get();
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = sampleRecordingRoutes(policy, scorer);
      List<Completion> sampled = completions(groups);

      GrpoTrainer.LearnerView replayed = trainer(policy, RoutingReplay.REPLAY).learnerView(groups);
      GrpoTrainer.LearnerView free = trainer(policy, RoutingReplay.OFF).learnerView(groups);

      for (int i = 0; i < sampled.size(); i++) {
        RoutingTrace trace = sampled.get(i).routing();
        assertThat(trace.tokens()).isEqualTo(sampled.get(i).length());
        assertThat(replayed.routing().get(i)).as("%s: completion %d", name, i).isEqualTo(trace);
      }
      System.out.printf(
          "%s, same version: KV-cache sampling vs full forward differ in %s of the routing"
              + " decisions; max |logp gap| %.3g without replay, %.3g with%n",
          name,
          mismatch(sampled, free),
          maxLogProbGap(sampled, free.logProbs()),
          maxLogProbGap(sampled, replayed.logProbs()));
      assertThat(maxLogProbGap(sampled, replayed.logProbs())).as(name).isLessThan(LOG_PROB_FLOOR);
    }
  }

  /**
   * The learner's routers select differently from the sampler's (here: a balancing step moved the
   * selection biases after sampling, as between two policy versions): without replay tokens go to
   * other experts and the log-probs part; with replay the learner uses the recorded experts, and as
   * the bias only selects, it computes exactly the sampler's log-probs.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void whenTheRoutersSelectDifferentlyReplayRestoresTheSamplersRoutingAndLogProbs(
      String name, Supplier<PolicyModel> create) {
    try (PolicyModel policy = create.get();
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = sampleRecordingRoutes(policy, scorer);
      List<Completion> sampled = completions(groups);
      moveSelectionBiases(policy, 11);

      GrpoTrainer.LearnerView replayed = trainer(policy, RoutingReplay.REPLAY).learnerView(groups);
      GrpoTrainer.LearnerView free = trainer(policy, RoutingReplay.OFF).learnerView(groups);

      long[] differing = CompletionRouting.mismatch(traces(sampled), free.routing());
      assertThat(differing[0]).as("%s: decisions moved by the bias", name).isPositive();
      assertThat(maxLogProbGap(sampled, free.logProbs())).as(name).isGreaterThan(1e-3);
      for (int i = 0; i < sampled.size(); i++) {
        assertThat(replayed.routing().get(i))
            .as("%s: completion %d", name, i)
            .isEqualTo(sampled.get(i).routing());
      }
      assertThat(maxLogProbGap(sampled, replayed.logProbs())).as(name).isLessThan(LOG_PROB_FLOOR);
    }
  }

  static List<RoutingTrace> traces(List<Completion> completions) {
    return completions.stream().map(Completion::routing).toList();
  }

  static String mismatch(List<Completion> sampled, GrpoTrainer.LearnerView learner) {
    long[] m = CompletionRouting.mismatch(traces(sampled), learner.routing());
    return m[0] + "/" + m[1];
  }

  /** Large random selection biases: the routers now prefer other experts for many tokens. */
  static void moveSelectionBiases(PolicyModel policy, long seed) {
    java.util.Random random = new java.util.Random(seed);
    for (var p : policy.parameters()) {
      if (p.getKey().endsWith("selection_bias")) {
        float[] bias = p.getValue().getArray().toFloatArray();
        for (int e = 0; e < bias.length; e++) {
          bias[e] += (float) random.nextGaussian();
        }
        p.getValue().getArray().set(bias);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void underReplayAnUpdateStillReachesEveryRouterAndReportsNoRoutingMismatch(
      String name, Supplier<PolicyModel> create) {
    try (PolicyModel policy = create.get();
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = sampleRecordingRoutes(policy, scorer);
      List<Pair<String, float[]>> before = routerWeights(policy);
      // the learner holds the version that sampled the groups: staleness 0
      UpdateStats stats =
          trainer(policy, RoutingReplay.REPLAY).update(groups, groups.get(0).policyVersion());
      List<Pair<String, float[]>> after = routerWeights(policy);
      assertThat(before).isNotEmpty();
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i).getValue())
            .as("%s: %s", name, before.get(i).getKey())
            .isNotEqualTo(before.get(i).getValue());
      }
      assertThat(stats.routingMismatch()).hasValue(0.0);
      assertThat(stats.mismatch().get(StalenessBucket.S0).routingDisagreement())
          .as("%s: the per-staleness routing share", name)
          .hasValue(0.0);
    }
  }

  static List<Pair<String, float[]>> routerWeights(PolicyModel policy) {
    List<Pair<String, float[]>> out = new ArrayList<>();
    for (var p : policy.trainableParameters()) {
      if (p.getKey().contains("router") && p.getKey().endsWith("weight")) {
        out.add(new Pair<>(p.getKey(), p.getValue().getArray().toFloatArray()));
      }
    }
    return out;
  }

  @Test
  void recordingRoutingChangesNoDrawnTokenOrLogProb() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 1);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<Completion> plain = completions(GrpoTrainerTest.sample(policy, scorer));
      List<Completion> recorded = completions(sampleRecordingRoutes(policy, scorer));
      for (int i = 0; i < plain.size(); i++) {
        assertThat(plain.get(i).routing()).isNull();
        assertThat(recorded.get(i).tokens()).isEqualTo(plain.get(i).tokens());
        assertThat(recorded.get(i).logProbs()).isEqualTo(plain.get(i).logProbs());
      }
    }
  }

  @Test
  void samplingWithoutTheKvCacheRecordsTheSameRoutingAsWithIt() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 1)) {
      List<int[]> prompts =
          List.of(
              GrpoTrainerTest.TOKENIZER.encodePrompt("12+7="),
              GrpoTrainerTest.TOKENIZER.encodePrompt("3="));
      long[] seeds = {4, 5};
      // longer than the sampler's first allocation of 16 tokens' routes, so that it grows
      var params = GrpoTrainerTest.sampling().withMaxNewTokens(40);
      List<Completion> cached =
          io.tributary.model.Sampler.generate(policy, prompts, params, seeds, true);
      List<Completion> uncached =
          io.tributary.model.Sampler.generate(
              policy, prompts, params.withKvCache(false), seeds, true);
      assertThat(cached).anyMatch(c -> c.length() > 16);
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(uncached.get(i).tokens()).isEqualTo(cached.get(i).tokens());
        assertThat(uncached.get(i).routing()).isEqualTo(cached.get(i).routing());
        assertThat(uncached.get(i).promptRouting()).isEqualTo(cached.get(i).promptRouting());
        assertThat(cached.get(i).promptRouting().tokens()).isEqualTo(prompts.get(i).length - 1);
      }
      // and they are the routes of the full forward the learner runs at this policy version
      GrpoTrainer.LearnerView learner =
          trainer(policy, RoutingReplay.OFF).learnerView(prompts, cached);
      assertThat(learner.routing()).isEqualTo(traces(cached));
    }
  }

  @Test
  void withoutReplayTheUpdateReportsTheShareOfDecisionsThatDiffer() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 1);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      UpdateStats traced =
          trainer(policy, RoutingReplay.OFF).update(sampleRecordingRoutes(policy, scorer));
      UpdateStats untraced =
          trainer(policy, RoutingReplay.OFF).update(GrpoTrainerTest.sample(policy, scorer));
      assertThat(traced.routingMismatch()).isPresent();
      assertThat(traced.routingMismatch().getAsDouble()).isBetween(0.0, 1.0);
      assertThat(untraced.routingMismatch()).as("nothing to compare: absent, not 0").isEmpty();
    }
  }

  @Test
  void routingReplayIsTheGrpoKeyRoutingReplayOffByDefault() {
    assertThat(GrpoConfig.defaults().routingReplay()).isEqualTo(RoutingReplay.OFF);
    assertThat(
            io.tributary.config.Yaml.read("routingReplay: replay\n", GrpoConfig.class, "grpo")
                .routingReplay())
        .isEqualTo(RoutingReplay.REPLAY);
    assertThatThrownBy(
            () -> io.tributary.config.Yaml.read("routingReplay: on\n", GrpoConfig.class, "grpo"))
        .hasMessageContaining("routingReplay");
  }

  @Test
  void aDensePolicyRecordsNoRoutingAndTrainsUnderReplayAsWithout() {
    ModelConfig dense = GrpoTrainerTest.tiny().toBuilder().denseLayers(2).build();
    try (PolicyModel policy = PolicyModel.create(dense, 1);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = sampleRecordingRoutes(policy, scorer);
      assertThat(completions(groups)).allMatch(c -> c.routing() == null);
      UpdateStats stats = trainer(policy, RoutingReplay.REPLAY).update(groups);
      assertThat(stats.optimizerSteps()).isEqualTo(1);
      assertThat(stats.routingMismatch()).isEmpty();
    }
  }

  @Test
  void replayRefusesAGroupWhoseRolloutsCarryNoRoutingTrace() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 1);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = GrpoTrainerTest.sample(policy, scorer);
      assertThatThrownBy(() -> trainer(policy, RoutingReplay.REPLAY).update(groups))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("routingReplay: replay")
          .hasMessageContaining("group p0")
          .hasMessageContaining("no routing trace");
    }
  }
}
