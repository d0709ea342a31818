package io.tributary.reward.model;

import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.tokenizer.CharTokenizer;
import java.util.List;

/** A reward model small enough to train for a few steps in a test. */
final class TinyRewardModels {
  private TinyRewardModels() {}

  static ModelConfig config() {
    return ModelConfig.builder()
        .vocabSize(new CharTokenizer().vocabSize())
        .dim(32)
        .layers(2)
        .heads(2)
        .routedExperts(4)
        .topK(2)
        .expertHidden(16)
        .denseHidden(48)
        .denseLayers(1)
        .maxSeqLen(64)
        .device(DeviceChoice.CPU)
        .build();
  }

  /** Right and wrong sums, the shape of the arithmetic task's labelled set. */
  static List<LabelledSample> samples() {
    return List.of(
        new LabelledSample("12+7=", "<think>12+7=19</think><answer>19</answer>", 1, "a"),
        new LabelledSample("12+7=", "<think>12+7=18</think><answer>18</answer>", 0, "a"),
        new LabelledSample("30-4=", "<think>30-4=26</think><answer>26</answer>", 1, "b"),
        new LabelledSample("30-4=", "<think>30-4=26</think><answer>25</answer>", 0, "b"),
        new LabelledSample("5+5+1=", "<think>5+5=10,10+1=11</think><answer>11</answer>", 1, "c"),
        new LabelledSample("5+5+1=", "<answer>", 0, "c"));
  }

  static RewardModel trainedForAFewSteps(long seed) {
    RewardModel model = RewardModel.create(config(), new CharTokenizer(), seed);
    RewardModelTrainer trainer =
        new RewardModelTrainer(model, io.tributary.train.OptimizerConfig.of(3e-3, 5));
    for (int i = 0; i < 3; i++) {
      trainer.step(samples());
    }
    return model;
  }
}
