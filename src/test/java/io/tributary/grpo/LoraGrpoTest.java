package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.LoraAdapters;
import io.tributary.model.LoraConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.TinyModels;
import io.tributary.reward.RewardScorer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRPO on a LoRA policy: only adapters learn, and the base is the KL reference. */
class LoraGrpoTest {
  private static final LoraConfig LORA = LoraConfig.of(4, 8, List.of("all"));

  private static PolicyModel loraPolicy(long seed) {
    PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), seed);
    policy.attachAdapters(LORA);
    return policy;
  }

  private static List<float[]> values(List<Pair<String, Parameter>> parameters) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : parameters) {
      NDArray a = p.getValue().getArray();
      out.add(a.toFloatArray());
    }
    return out;
  }

  private static List<Pair<String, Parameter>> base(PolicyModel policy) {
    return policy.parameters().stream()
        .filter(p -> !policy.adapters().isAdapterParameter(p.getValue()))
        .toList();
  }

  @Test
  void grpoStepsChangeEveryAdapterParameterAndNoBaseParameter() {
    try (PolicyModel policy = loraPolicy(2);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      // two passes: while B is zero, A receives no gradient (PEFT's init), so only the second
      // optimizer step can show A moving
      GrpoTrainer trainer =
          new GrpoTrainer(
              policy,
              null,
              GrpoTrainerTest.config(0.05, 2, 1),
              GrpoTrainerTest.sampling(),
              GrpoTrainerTest.TOKENIZER.pad());
      List<RolloutGroup> groups = GrpoTrainerTest.sample(policy, scorer);
      List<float[]> adaptersBefore = values(policy.trainableParameters());
      List<float[]> baseBefore = values(base(policy));
      UpdateStats stats = trainer.update(groups);
      assertThat(stats.optimizerSteps()).isEqualTo(2);
      List<float[]> adaptersAfter = values(policy.trainableParameters());
      for (int i = 0; i < adaptersBefore.size(); i++) {
        assertThat(adaptersAfter.get(i))
            .as(policy.trainableParameters().get(i).getKey())
            .isNotEqualTo(adaptersBefore.get(i));
      }
      List<float[]> baseAfter = values(base(policy));
      for (int i = 0; i < baseBefore.size(); i++) {
        assertThat(baseAfter.get(i))
            .as(base(policy).get(i).getKey())
            .containsExactly(baseBefore.get(i));
      }
    }
  }

  @Test
  void theOptimizerHoldsStateOnlyForTheAdapters() {
    try (PolicyModel policy = loraPolicy(2);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(
              policy,
              null,
              GrpoTrainerTest.config(0, 1, 1),
              GrpoTrainerTest.sampling(),
              GrpoTrainerTest.TOKENIZER.pad());
      trainer.update(GrpoTrainerTest.sample(policy, scorer));
      List<String> adapterNames =
          policy.parameters().stream()
              .filter(p -> policy.adapters().isAdapterParameter(p.getValue()))
              .map(Pair::getKey)
              .toList();
      assertThat(adapterNames).hasSize(2 * policy.adapters().sites().size());
      assertThat(trainer.optimizer().moments().keySet())
          .containsExactlyInAnyOrderElementsOf(adapterNames);
      for (Pair<String, Parameter> p : base(policy)) {
        assertThat(p.getValue().requiresGradient()).as(p.getKey()).isFalse();
      }
    }
  }

  @Test
  void aLoraPolicyIsItsOwnReferenceWithTheAdaptersOff() {
    try (PolicyModel policy = loraPolicy(3);
        PolicyModel twin = loraPolicy(3);
        PolicyModel separateBase = PolicyModel.create(GrpoTrainerTest.tiny(), 3);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      TinyModels.randomizeAdapters(policy, 9);
      TinyModels.randomizeAdapters(twin, 9);
      List<RolloutGroup> groups = GrpoTrainerTest.sample(policy, scorer);
      GrpoConfig withKl = GrpoTrainerTest.config(0.1, 1, 1);
      UpdateStats self =
          new GrpoTrainer(
                  policy, null, withKl, GrpoTrainerTest.sampling(), GrpoTrainerTest.TOKENIZER.pad())
              .update(groups);
      UpdateStats copy =
          new GrpoTrainer(
                  twin,
                  separateBase,
                  withKl,
                  GrpoTrainerTest.sampling(),
                  GrpoTrainerTest.TOKENIZER.pad())
              .update(groups);
      assertThat(self.kl()).isPresent();
      assertThat(self.kl().getAsDouble()).isGreaterThan(1e-4);
      assertThat(self.kl().getAsDouble()).isCloseTo(copy.kl().getAsDouble(), within(1e-6));
      assertThat(policy.adapters().enabled()).as("switched back on after the reference").isTrue();
    }
  }

  @Test
  void anUntrainedLoraPolicyHasNoDivergenceFromItsReference() {
    try (PolicyModel policy = loraPolicy(4);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      UpdateStats stats =
          new GrpoTrainer(
                  policy,
                  null,
                  GrpoTrainerTest.config(0.1, 1, 1),
                  GrpoTrainerTest.sampling(),
                  GrpoTrainerTest.TOKENIZER.pad())
              .update(GrpoTrainerTest.sample(policy, scorer));
      assertThat(stats.kl().getAsDouble()).isCloseTo(0.0, within(1e-7));
      LoraAdapters adapters = policy.adapters();
      assertThat(adapters.sites()).isNotEmpty();
    }
  }

  @Test
  void theAdaptersAreConfiguredUnderLoraOfTheGrpoConfig() {
    GrpoConfig config =
        io.tributary.config.Yaml.read(
            "beta: 0.04\nlora:\n  rank: 16\n  alpha: 32\n  targets: [attention, mlp]\n",
            GrpoConfig.class,
            "grpo");
    assertThat(config.lora()).isEqualTo(LoraConfig.of(16, 32, List.of("attention", "mlp")));
    assertThat(GrpoConfig.defaults().lora()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                io.tributary.config.Yaml.read(
                    "lora:\n  rank: 16\n  lora_alpha: 32\n", GrpoConfig.class, "grpo"))
        .hasMessageContaining("lora_alpha");
  }

  @Test
  void aTrainerWhoseConfigHasLoraAttachesTheAdaptersAndNeedsNoReferenceCopy() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 5)) {
      int everyWeight = policy.trainableParameters().size();
      new GrpoTrainer(
          policy,
          null,
          GrpoTrainerTest.config(0.04, 1, 1).withLora(LoraConfig.of(2, 4, List.of("wq", "wv"))),
          GrpoTrainerTest.sampling(),
          GrpoTrainerTest.TOKENIZER.pad());
      assertThat(policy.adapters()).isNotNull();
      assertThat(policy.trainableParameters()).hasSize(2 * 2 * 2).hasSizeLessThan(everyWeight);
    }
  }
}
