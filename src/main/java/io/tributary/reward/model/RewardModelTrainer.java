package io.tributary.reward.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.tributary.model.RoutingContext;
import io.tributary.model.Scalars;
import io.tributary.train.AdamW;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.StepOutcome;
import java.util.List;

/**
 * Trains an outcome reward model with binary cross-entropy on the reward logit (Cobbe et al. 2021
 * §3: the verifier is trained to predict whether a completion is correct). One call is one AdamW
 * step; every array of the step lives in a sub-manager closed at its end.
 */
public final class RewardModelTrainer {
  private final RewardModel model;
  private final AdamW optimizer;

  public RewardModelTrainer(RewardModel model, OptimizerConfig config) {
    this.model = model;
    this.optimizer = new AdamW(model.backbone(), config);
  }

  public record StepResult(double loss, StepOutcome outcome) {}

  public StepResult step(List<LabelledSample> batch) {
    ScoringRows rows =
        model.rows(
            batch.stream().map(LabelledSample::prompt).toList(),
            batch.stream().map(LabelledSample::completion).toList());
    float[] labels = new float[batch.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = batch.get(i).label();
    }
    double lossValue;
    try (NDManager step = model.backbone().manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      RoutingContext routing = RoutingContext.training(rows.validTokens());
      NDArray logits = model.logits(step, rows, routing); // (B)
      NDArray loss = binaryCrossEntropy(logits, step.create(labels));
      if (routing.balanceLoss() != null) {
        loss = loss.add(routing.balanceLoss());
      }
      lossValue = loss.getFloat();
      collector.backward(loss);
    }
    return new StepResult(lossValue, optimizer.apply(lossValue));
  }

  /**
   * Mean BCE of logits s against labels y in its stable form max(s, 0) − s·y + log(1 + e^−|s|), as
   * PyTorch's {@code BCEWithLogitsLoss} computes it.
   */
  static NDArray binaryCrossEntropy(NDArray logits, NDArray labels) {
    NDArray softplusTail = logits.abs().neg().exp().add(1f).log();
    return Scalars.maximum(logits, 0f).sub(logits.mul(labels)).add(softplusTail).mean();
  }
}
