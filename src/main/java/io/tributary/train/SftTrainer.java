package io.tributary.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.tributary.model.Dispatch;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.Scalars;
import java.util.List;

/**
 * Supervised fine-tuning on (prompt, completion) pairs, the cold start of DeepSeek-R1: mean
 * negative log-likelihood of completion tokens only, plus the MoE balance loss when on. One call is
 * one optimizer step; every NDArray of the step lives in a sub-manager closed at its end.
 */
public final class SftTrainer {
  private final PolicyModel model;
  private final AdamW optimizer;
  private final int pad;
  private Dispatch dispatch = Dispatch.SPARSE;

  public SftTrainer(PolicyModel model, OptimizerConfig config, int pad) {
    this.model = model;
    this.optimizer = new AdamW(model, config);
    this.pad = pad;
  }

  /** Dense dispatch runs every expert on every token: the benchmark's baseline. */
  public SftTrainer withDispatch(Dispatch dispatch) {
    this.dispatch = dispatch;
    return this;
  }

  public record StepResult(double loss, long tokens, StepOutcome outcome) {}

  public StepResult step(List<SftExample> examples) {
    SequenceBatch batch =
        SequenceBatch.of(
            examples.stream().map(SftExample::prompt).toList(),
            examples.stream().map(SftExample::completion).toList(),
            pad);
    double lossValue;
    try (NDManager step = model.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      RoutingContext routing = new RoutingContext(dispatch, true, batch.validInputs());
      NDArray loss = loss(model, step, batch, routing);
      lossValue = loss.getFloat();
      collector.backward(loss);
    }
    StepOutcome outcome = optimizer.apply(lossValue);
    return new StepResult(lossValue, batch.completionTokens(), outcome);
  }

  /** Mean NLL over completion targets (+ balance loss); prompt targets and padding carry none. */
  static NDArray loss(
      PolicyModel model, NDManager step, SequenceBatch batch, RoutingContext routing) {
    NDArray logits = model.logits(step, batch.inputs(), routing); // (B, T, V)
    NDArray logProbs = TokenLogProbs.of(logits, batch.targets(), 1.0); // (B, T)
    NDArray mask = batch.mask(step);
    NDArray nll = logProbs.mul(mask).sum().neg().div(Scalars.maximum(mask.sum(), 1f));
    return routing.balanceLoss() == null ? nll : nll.add(routing.balanceLoss());
  }

  /** Mean NLL of completion tokens without gradient, for evaluation. */
  public double evaluate(List<SftExample> examples) {
    SequenceBatch batch =
        SequenceBatch.of(
            examples.stream().map(SftExample::prompt).toList(),
            examples.stream().map(SftExample::completion).toList(),
            pad);
    try (var ignored = io.tributary.model.GradMode.disabled();
        NDManager step = model.manager().newSubManager()) {
      return loss(model, step, batch, RoutingContext.inference()).getFloat();
    }
  }

  public AdamW optimizer() {
    return optimizer;
  }
}
