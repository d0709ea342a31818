package io.tributary.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingTest {

  static ModelConfig tiny() {
    return ModelConfig.builder()
        .vocabSize(40)
        .dim(32)
        .layers(3)
        .heads(4)
        .routedExperts(4)
        .topK(2)
        .sharedExperts(1)
        .expertHidden(16)
        .denseHidden(48)
        .denseLayers(1)
        .maxSeqLen(64)
        .device(DeviceChoice.CPU)
        .balanceLossWeight(0.01)
        .build();
  }

  static List<SftExample> examples(int n, long seed) {
    Random r = new Random(seed);
    List<SftExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] prompt = new int[3 + r.nextInt(5)];
      prompt[0] = 1;
      for (int j = 1; j < prompt.length; j++) {
        prompt[j] = 3 + r.nextInt(37);
      }
      // the completion repeats the prompt: a pattern a small model learns in a few steps
      int[] completion = new int[prompt.length];
      System.arraycopy(prompt, 1, completion, 0, prompt.length - 1);
      completion[completion.length - 1] = 2;
      out.add(new SftExample(prompt, completion));
    }
    return out;
  }

  @Test
  void theModelManagerHoldsTheSameNumberOfArraysAcross50TrainingSteps() {
    try (PolicyModel model = PolicyModel.create(tiny(), 1)) {
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(1e-3, 50), 0);
      trainer.step(examples(8, 0)); // optimizer state is created on the first step
      int after1 = arrays(model);
      for (int i = 1; i < 50; i++) {
        assertThat(trainer.step(examples(8, i)).outcome().applied()).isTrue();
      }
      assertThat(arrays(model)).isEqualTo(after1);
    }
  }

  @Test
  void sftLearnsAndOneStepChangesEveryTrainableParameter() {
    try (PolicyModel model = PolicyModel.create(tiny(), 2)) {
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(3e-3, 60), 0);
      List<SftExample> data = examples(16, 3);
      List<float[]> before = snapshot(model);
      double first = trainer.step(data).loss();
      List<float[]> after = snapshot(model);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i))
            .as(model.trainableParameters().get(i).getKey())
            .isNotEqualTo(before.get(i));
      }
      for (int i = 0; i < 40; i++) {
        trainer.step(data);
      }
      assertThat(trainer.evaluate(data)).isLessThan(first * 0.6);
    }
  }

  @Test
  void sftPutsNoLossOnPromptTokens() {
    try (PolicyModel model = PolicyModel.create(tiny(), 3)) {
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(1e-3, 10), 0);
      SftExample original = new SftExample(new int[] {1, 5, 6, 7, 8}, new int[] {9, 10, 2});
      // the same completion after other prompt tokens at the same positions must give a
      // different loss only through the context, so compare against a hand computation instead
      SequenceBatch batch =
          SequenceBatch.of(List.of(original.prompt()), List.of(original.completion()), 0);
      assertThat(batch.completionMask()[0]).containsExactly(0, 0, 0, 0, 1, 1, 1);
      double loss = trainer.evaluate(List.of(original));
      double expected;
      try (var g = io.tributary.model.GradMode.disabled();
          NDManager m = model.manager().newSubManager()) {
        float[] logits = model.logits(m, batch.inputs(), RoutingContext.inference()).toFloatArray();
        double sum = 0;
        for (int j = 4; j < 7; j++) { // targets 9, 10, 2 are predicted at inputs 4, 5, 6
          sum -= logSoftmax(logits, j, 40, batch.targets()[0][j]);
        }
        expected = sum / 3;
      }
      assertThat(loss).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void aNonFiniteLossLeavesTheWeightsExactlyAsTheyWere() {
    try (PolicyModel model = PolicyModel.create(tiny(), 4)) {
      AdamW adam = new AdamW(model, OptimizerConfig.of(1e-3, 10));
      new SftTrainer(model, OptimizerConfig.of(1e-3, 10), 0).step(examples(4, 1));
      List<float[]> before = snapshot(model);
      StepOutcome outcome = adam.apply(Double.NaN);
      assertThat(outcome.applied()).isFalse();
      assertThat(outcome.skipReason()).contains("non-finite loss");
      List<float[]> after = snapshot(model);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
    }
  }

  @Test
  void anOverflowingGradientIsSkippedAndTheNextStepTrainsNormally() {
    try (PolicyModel model = PolicyModel.create(tiny(), 6)) {
      SftTrainer trainer = new SftTrainer(model, OptimizerConfig.of(1e-3, 10), 0);
      trainer.step(examples(4, 1));
      List<float[]> before = snapshot(model);
      try (NDManager m = model.manager().newSubManager();
          ai.djl.training.GradientCollector c =
              ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.logits(m, new int[][] {{1, 5, 6, 7}}, RoutingContext.inference());
        c.backward(logits.sum().mul(Float.POSITIVE_INFINITY)); // every gradient becomes ±inf or NaN
      }
      StepOutcome skipped = trainer.optimizer().apply(1.0);
      assertThat(skipped.applied()).isFalse();
      assertThat(skipped.skipReason()).startsWith("non-finite gradient in ");
      List<float[]> after = snapshot(model);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
      SftTrainer.StepResult next = trainer.step(examples(4, 2));
      assertThat(next.outcome().applied()).as("gradients were zeroed, not left NaN").isTrue();
      assertThat(Double.isFinite(next.outcome().gradNorm())).isTrue();
    }
  }

  @Test
  void biasBalancingLowersTheMaxMinExpertLoadRatioOnASkewedStream() {
    ModelConfig config = tiny().toBuilder().biasUpdateRate(0.002).balanceLossWeight(0.0).build();
    try (PolicyModel model = PolicyModel.create(config, 5)) {
      Random random = new Random(9);
      double before = measuredRatio(model, random);
      for (int i = 0; i < 120; i++) {
        route(model, skewedBatch(random));
        model.updateRouterBiases();
      }
      double after = measuredRatio(model, random);
      assertThat(before).as("imbalance of the skewed stream before balancing").isGreaterThan(1.5);
      System.out.printf("expert load max/min before %.2f, after %.2f%n", before, after);
      assertThat(after).isLessThan(before);
      assertThat(after).isLessThan(1 + (before - 1) / 2);
    }
  }

  /** Mostly three token ids out of forty: a stream that loads a few experts. */
  private static int[][] skewedBatch(Random random) {
    int[][] batch = new int[8][24];
    for (int[] row : batch) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextDouble() < 0.9 ? 5 + random.nextInt(3) : 3 + random.nextInt(37);
      }
    }
    return batch;
  }

  /** max/min expert load over 10 batches, without touching the biases. */
  private static double measuredRatio(PolicyModel model, Random random) {
    model.updateRouterBiasesWithRate(0); // reset counters only
    for (int i = 0; i < 10; i++) {
      route(model, skewedBatch(random));
    }
    double ratio = model.expertLoad().maxMinRatio();
    model.updateRouterBiasesWithRate(0);
    return ratio;
  }

  private static void route(PolicyModel model, int[][] tokens) {
    try (var g = io.tributary.model.GradMode.disabled();
        NDManager m = model.manager().newSubManager()) {
      model.logits(m, tokens, RoutingContext.training(null));
    }
  }

  static double logSoftmax(float[] logits, int position, int vocab, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < vocab; k++) {
      max = Math.max(max, logits[position * vocab + k]);
    }
    double sum = 0;
    for (int k = 0; k < vocab; k++) {
      sum += Math.exp(logits[position * vocab + k] - max);
    }
    return logits[position * vocab + target] - max - Math.log(sum);
  }

  static int arrays(PolicyModel model) {
    return ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size();
  }

  static List<float[]> snapshot(PolicyModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.trainableParameters()) {
      NDArray a = p.getValue().getArray();
      out.add(a.toFloatArray());
    }
    return out;
  }
}
