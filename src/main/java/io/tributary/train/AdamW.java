package io.tributary.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.GradMode;
import io.tributary.model.PolicyModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over a policy's trainable parameters with global gradient-norm clipping. State is keyed by
 * parameter name (DJL's own optimizers key by a random per-instance id, docs/engineering-notes.md,
 * "Optimizer state"), lives in the model's manager, and is created once, so the number of arrays
 * stays constant across steps. Weight decay is decoupled and applies to matrices only (not to norm
 * gains), as in GPT-style training.
 */
public final class AdamW {
  private final OptimizerConfig config;
  private final PolicyModel model;
  private final Map<String, NDArray[]> moments = new HashMap<>();
  private long step;

  public AdamW(PolicyModel model, OptimizerConfig config) {
    this.model = model;
    this.config = config;
  }

  public long step() {
    return step;
  }

  /**
   * Clips, checks and applies the accumulated gradients, zeroes them, and updates the router
   * biases. {@code lossValue} is the step's loss, checked for finiteness with the gradients.
   */
  public StepOutcome apply(double lossValue) {
    double lr = config.learningRateAt(step);
    List<Pair<String, Parameter>> params = model.trainableParameters();
    try (GradMode ignored = GradMode.disabled();
        NDManager scratch = model.manager().newSubManager()) {
      NDArray[] grads = new NDArray[params.size()];
      double squared = 0;
      String firstNonFinite = null;
      for (int i = 0; i < params.size(); i++) {
        grads[i] = params.get(i).getValue().getArray().getGradient();
        grads[i].attach(scratch);
        try (NDManager local = perParameter(grads[i], scratch)) {
          // in float64: a float32 sum of squares overflows for gradients above ~1e19, which
          // clipping would otherwise have handled
          double s;
          try (NDArray wide = grads[i].toType(DataType.FLOAT64, false);
              NDArray squares = wide.square()) {
            s = squares.sum().getDouble();
          }
          if (!Double.isFinite(s) && firstNonFinite == null) {
            firstNonFinite = params.get(i).getKey();
          }
          squared += s;
        }
      }
      double norm = Math.sqrt(squared);
      if (!Double.isFinite(lossValue) || !Double.isFinite(norm)) {
        zero(grads);
        return StepOutcome.skipped(
            norm,
            lr,
            !Double.isFinite(lossValue)
                ? "non-finite loss"
                : "non-finite gradient in " + firstNonFinite);
      }
      float clip = (float) Math.min(1.0, config.maxGradNorm() / (norm + 1e-6));
      step++;
      double bias1 = 1 - Math.pow(config.beta1(), step);
      double bias2 = 1 - Math.pow(config.beta2(), step);
      float b1 = config.beta1().floatValue();
      float b2 = config.beta2().floatValue();
      for (int i = 0; i < params.size(); i++) {
        NDArray weight = params.get(i).getValue().getArray();
        NDArray[] m = moments.computeIfAbsent(params.get(i).getKey(), k -> newMoments(weight));
        try (NDManager local = perParameter(grads[i], scratch)) {
          // each temporary is closed once used, so that at most three of the parameter's size
          // are alive at once: a tied embedding of a 152k vocabulary is 0.6 GB per copy
          NDArray g = clip < 1f ? grads[i].mul(clip) : grads[i];
          try (NDArray scaled = g.mul(1 - b1)) {
            m[0].muli(b1).addi(scaled); // m = β1 m + (1 − β1) g
          }
          try (NDArray gradientSquared = g.square();
              NDArray scaled = gradientSquared.mul(1 - b2)) {
            m[1].muli(b2).addi(scaled); // v = β2 v + (1 − β2) g²
          }
          // results of ops on the moments would land in the model's manager: move them here
          NDArray mHat = scratch(m[0].div((float) bias1), local);
          NDArray denominator;
          try (NDArray vHat = scratch(m[1].div((float) bias2), local);
              NDArray root = vHat.sqrt()) {
            denominator = root.add(config.epsilon().floatValue());
          }
          NDArray update = mHat.div(denominator);
          mHat.close();
          denominator.close();
          if (config.weightDecay() > 0 && weight.getShape().dimension() >= 2) {
            weight.muli((float) (1 - lr * config.weightDecay())); // decoupled decay
          }
          try (NDArray step = update.mul((float) lr)) {
            weight.subi(step);
          }
          update.close();
        }
      }
      zero(grads);
      model.updateRouterBiases();
      return new StepOutcome(true, norm, lr, null);
    }
  }

  /** Drops accumulated gradients without updating (used when a batch is abandoned). */
  public void zeroGradients() {
    try (GradMode ignored = GradMode.disabled();
        NDManager scratch = model.manager().newSubManager()) {
      List<Pair<String, Parameter>> params = model.trainableParameters();
      NDArray[] grads = new NDArray[params.size()];
      for (int i = 0; i < params.size(); i++) {
        grads[i] = params.get(i).getValue().getArray().getGradient();
        grads[i].attach(scratch);
      }
      zero(grads);
    }
  }

  /**
   * A manager for one parameter's temporaries, which the gradient's results land in until it closes
   * (then the gradient returns to {@code scratch}). Held to the end of the step instead, the
   * temporaries of every parameter would be alive at once: several times the model's size (a
   * float64 copy of each gradient alone is twice its bytes).
   */
  private static NDManager perParameter(NDArray gradient, NDManager scratch) {
    NDManager local = scratch.newSubManager();
    gradient.tempAttach(local);
    return local;
  }

  private static NDArray scratch(NDArray array, NDManager scratch) {
    array.attach(scratch);
    return array;
  }

  /**
   * Sets the gradients to 0 in place. Not {@code g.subi(g)}: after an overflowing backward that
   * leaves NaN (∞ − ∞), which the next step then accumulates onto forever.
   */
  private static void zero(NDArray[] grads) {
    for (NDArray g : grads) {
      g.set(new NDIndex("..."), 0f);
    }
  }

  private NDArray[] newMoments(NDArray weight) {
    NDManager manager = model.manager();
    return new NDArray[] {
      manager.zeros(weight.getShape(), weight.getDataType()),
      manager.zeros(weight.getShape(), weight.getDataType())
    };
  }

  /** Copies this optimizer's moments (for resuming) by parameter name. */
  public Map<String, NDArray[]> moments() {
    return moments;
  }
}
